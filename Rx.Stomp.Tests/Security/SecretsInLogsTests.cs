using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Security;

/// <summary>Passcodes and key passwords never reach the log, at any level, nor an exception, on success or failure.</summary>
public class SecretsInLogsTests
{
    [Test]
    public async Task The_passcode_never_shows_in_the_trace_log()
    {
        var log = new CapturingLoggerFactory();
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Login = "me", Passcode = "pa55-s3cr3t", LoggerFactory = log });
        await using var _ = RawPeer.ClosingFirst(peer, client);

        await peer.ConnectAsync(client);
        await client.SendAsync("/queue/q", "x");
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(log.Text, Does.Contain("Sending SEND").And.Contain("Received CONNECTED"), "tracing is on");
        Assert.That(log.Text, Does.Not.Contain("pa55-s3cr3t"));
    }

    [Test]
    [Category(Brokers.Broker.ExternalCategory)]
    public async Task A_key_password_shows_neither_in_the_log_nor_in_the_error_of_a_connect_over_mutual_TLS()
    {
        var broker = Brokers.Broker.ActiveMqMutualTls;
        await broker.RequireAsync();
        var log = new CapturingLoggerFactory();
        var tls = Brokers.Broker.TestTls() with
        {
            ClientCertificateFile = Brokers.Broker.Certificate("client.crt"),
            ClientKeyFile = Brokers.Broker.Certificate("client-encrypted.key"),
            ClientKeyPassword = Brokers.Broker.ClientCertificatePassword,
        };
        await using (var client = new StompClient(broker.Options() with { Tls = tls, LoggerFactory = log }))
        {
            await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        }

        await using var refused = new StompClient(broker.Options() with
        {
            Tls = tls with { ClientKeyPassword = Brokers.Broker.ClientCertificatePassword + "-wrong" },
            LoggerFactory = log,
            ConnectRetry = BackoffPolicy.Connect with { MaxAttempts = 1 },
        });
        var error = Assert.ThrowsAsync<StompTlsException>(() => refused.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout));

        Assert.That(log.Text, Does.Contain("Connected to stomp+ssl://"));
        Assert.That(log.Text + error, Does.Not.Contain(Brokers.Broker.ClientCertificatePassword));
    }
}

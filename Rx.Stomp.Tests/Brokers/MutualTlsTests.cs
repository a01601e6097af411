using Rx.Stomp.Client;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// Client certificates against the real brokers: ActiveMQ's connector that requires one (needClientAuth=true), and
/// RabbitMQ's listener that verifies one when given (verify_peer).
/// </summary>
[Category(Broker.ExternalCategory)]
public sealed class MutualTlsTests() : BrokerTest(Broker.ActiveMqMutualTls)
{
    private static readonly BackoffPolicy PatientRetry = BackoffPolicy.Connect with { MaxAttempts = 10, InitialDelay = TimeSpan.FromSeconds(5) };

    [Test]
    public async Task A_missing_client_certificate_is_refused_with_a_reason_saying_so_and_not_retried()
    {
        var client = NewClient(o => o with { Tls = Broker.TestTls(), ConnectRetry = PatientRetry });
        var states = Record(client.State);
        var error = Assert.ThrowsAsync<StompTlsException>(() => client.ConnectAsync().WaitAsync(Timeout));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(TlsFailure.ClientCertificateRequired));
            Assert.That(error.Message, Does.Contain("requires a client certificate"));
            Assert.That(states.Items.Select(s => s.Kind), Does.Not.Contain(ConnectionStateKind.Reconnecting));
        });
    }

    [Test]
    public async Task A_PEM_certificate_with_an_encrypted_key_and_its_password_is_accepted()
    {
        var client = await ConnectAsync(o => o with
        {
            Tls = Broker.TestTls() with
            {
                ClientCertificateFile = Broker.Certificate("client.crt"),
                ClientKeyFile = Broker.Certificate("client-encrypted.key"),
                ClientKeyPassword = Broker.ClientCertificatePassword,
            },
        });
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task RabbitMQ_refuses_a_client_certificate_from_a_CA_it_does_not_trust()
    {
        await Broker.RabbitMqMutualTls.RequireAsync();
        await using var client = new StompClient(Broker.RabbitMqMutualTls.Options() with
        {
            Tls = Broker.TestTls() with
            {
                ClientCertificateFile = Broker.Certificate("other-client.crt"),
                ClientKeyFile = Broker.Certificate("other-client.key"),
            },
            ConnectRetry = PatientRetry,
        });
        var error = Assert.ThrowsAsync<StompTlsException>(() => client.ConnectAsync().WaitAsync(Timeout));
        Assert.That(error!.Reason, Is.EqualTo(TlsFailure.ClientCertificateRejected));
    }
}

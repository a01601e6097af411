using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// TLS against the brokers' real TLS listeners (certificates from <c>scripts/certs.sh</c>): what is verified, what is
/// refused, and that every refusal is a final <see cref="StompTlsException"/> naming its reason, never a retry loop.
/// Certificates no broker is configured with (expired, from another CA) are served by a <see cref="TlsFront"/>
/// relaying to the broker's plain port, so that a client wrongly accepting them would connect.
/// </summary>
[TestFixtureSource(nameof(TlsBrokers))]
public sealed class TlsTests(Broker broker) : BrokerTest(broker)
{
    public static IEnumerable<TestFixtureData> TlsBrokers() =>
        new[] { Broker.RabbitMqTls, Broker.ActiveMqTls }.Select(b => b.Fixture(b).SetArgDisplayNames(b.ToString()));

    /// <summary>Many attempts far apart: a refusal that were retried would take minutes and show Reconnecting.</summary>
    private static readonly BackoffPolicy PatientRetry = BackoffPolicy.Connect with { MaxAttempts = 10, InitialDelay = TimeSpan.FromSeconds(5) };

    private Broker Plain => Broker.IsRabbitMq ? Broker.RabbitMq : Broker.ActiveMq;

    [Test]
    public async Task Verification_against_the_test_CA_connects_and_State_names_the_TLS_endpoint()
    {
        var client = await ConnectAsync();
        Assert.That(client.CurrentState.Endpoint, Is.EqualTo(Broker.Endpoint));
        Assert.That(client.CurrentState.Endpoint!.ToString(), Does.StartWith("stomp+ssl://"));
    }

    [Test]
    public async Task A_server_certificate_that_does_not_chain_to_the_system_store_is_refused_at_once_and_for_good()
    {
        var error = Refused(o => o with { Tls = StompTlsOptions.Default });
        Assert.That(error.Reason, Is.EqualTo(TlsFailure.UntrustedRoot));
        Assert.That(error.Message, Does.Contain("does not chain to a trusted root").And.Contain("rxstomp test CA"));
        Assert.That(error.InnerException, Is.InstanceOf<AuthenticationException>());
    }

    [Test]
    public async Task A_server_certificate_from_another_CA_than_the_CA_file_is_refused()
    {
        var error = Refused(o => o with { Tls = Broker.TestTls() with { CaFile = Broker.Certificate("other-ca.crt") } });
        Assert.That(error.Reason, Is.EqualTo(TlsFailure.UntrustedRoot));
    }

    [Test]
    public async Task A_certificate_naming_another_host_than_the_target_host_is_refused()
    {
        var error = Refused(o => o with { Tls = Broker.TestTls() with { TargetHost = "broker.invalid" } });
        Assert.That(error.Reason, Is.EqualTo(TlsFailure.NameMismatch));
        Assert.That(error.Message, Does.Contain("does not name 'broker.invalid'"));
    }

    [Test]
    public async Task The_target_host_given_is_the_name_checked_so_localhost_connects_through_127_0_0_1()
    {
        var client = await ConnectAsync(o => o with { Tls = Broker.TestTls() with { TargetHost = "localhost" } });
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task The_certificate_validator_sees_the_server_certificate_and_the_host_and_can_refuse()
    {
        using var expected = X509CertificateLoader.LoadCertificateFromFile(Broker.Certificate("server.crt"));
        var seen = new List<(string Thumbprint, string Host)>();
        var pinned = await ConnectAsync(o => o with
        {
            Tls = Broker.TestTls() with { CertificateValidator = (c, host) => { seen.Add((c.Thumbprint, host)); return c.Thumbprint == expected.Thumbprint; } },
        });
        Assert.That(pinned.IsConnected, Is.True);
        Assert.That(seen, Is.EqualTo(new[] { (expected.Thumbprint, "127.0.0.1") }));

        var error = Refused(o => o with { Tls = Broker.TestTls() with { CertificateValidator = (_, _) => false } });
        Assert.That(error.Reason, Is.EqualTo(TlsFailure.RejectedByValidator));
    }

    [Test]
    public async Task TLS_1_2_alone_is_allowed_and_connects()
    {
        var client = await ConnectAsync(o => o with { Tls = Broker.TestTls() with { EnabledProtocols = SslProtocols.Tls12 } });
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task An_endpoints_own_TLS_settings_from_a_failover_url_override_the_clients()
    {
        var url = $"failover:(stomp+ssl://{Broker.Endpoint.Host}:{Broker.Endpoint.Port}?ca-file={Uri.EscapeDataString(Broker.Certificate("ca.crt"))})";
        // The client's own settings trust nothing but the other CA: only the endpoint's make this work.
        var client = await ConnectAsync(o => o with
        {
            Endpoints = StompClientOptions.Parse(url).Endpoints,
            Tls = StompTlsOptions.Default with { CaFile = Broker.Certificate("other-ca.crt") },
        });
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task An_expired_server_certificate_is_refused_and_the_dangerous_option_alone_accepts_it()
    {
        await using var front = new TlsFront(Plain.Endpoint, Broker.Certificate("expired-server.pfx"), File.ReadAllText(Broker.Certificate("store.password")).Trim());
        var error = Refused(o => o with { Endpoints = [front.Endpoint] });
        Assert.That(error.Reason, Is.EqualTo(TlsFailure.Expired));
        Assert.That(error.Message, Does.Contain("2020-01-02"));

        // The front does relay to the broker: accepting any certificate gets through it.
        var client = await ConnectAsync(o => o with { Endpoints = [front.Endpoint], Tls = Broker.TestTls() with { DangerousAcceptAnyServerCertificate = true } });
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task A_server_certificate_from_an_untrusted_CA_is_refused()
    {
        await using var front = new TlsFront(Plain.Endpoint, Broker.Certificate("other-server.pfx"), File.ReadAllText(Broker.Certificate("store.password")).Trim());
        var error = Refused(o => o with { Endpoints = [front.Endpoint] });
        Assert.That(error.Reason, Is.EqualTo(TlsFailure.UntrustedRoot));
        Assert.That(front.Accepted, Is.EqualTo(1), "one handshake, no retry");
    }

    [Test]
    public async Task An_unreadable_client_certificate_is_a_final_error_that_never_shows_the_password()
    {
        var error = Refused(o => o with
        {
            Tls = Broker.TestTls(clientCertificate: true) with { ClientKeyPassword = "wrong-s3cr3t" },
        });
        Assert.That(error.Reason, Is.EqualTo(TlsFailure.CredentialsUnreadable));
        Assert.That(error.ToString(), Does.Not.Contain("wrong-s3cr3t"));
    }

    /// <summary>Connects with <paramref name="configure"/>, expecting a TLS refusal: once, without a retry, with the reason.</summary>
    private StompTlsException Refused(Func<StompClientOptions, StompClientOptions> configure)
    {
        var client = NewClient(o => configure(o) with { ConnectRetry = PatientRetry });
        var states = Record(client.State);
        var error = Assert.ThrowsAsync<StompTlsException>(() => client.ConnectAsync().WaitAsync(Timeout));
        Assert.That(states.Items.Select(s => s.Kind), Does.Not.Contain(ConnectionStateKind.Reconnecting));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
        Assert.That(client.Options.ToString(), Does.Not.Contain(Broker.ClientCertificatePassword));
        return error!;
    }
}

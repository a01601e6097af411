using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>TLS refusals on RabbitMQ's wss listener: the same verification as <c>stomp+ssl</c>, through the WebSocket's HTTP handshake.</summary>
[Category(Broker.ExternalCategory)]
public sealed class SecureWebSocketTests() : BrokerTest(Broker.RabbitMqSecureWebSocket)
{
    [Test]
    public void A_wss_server_certificate_from_an_untrusted_CA_is_refused()
    {
        var client = NewClient(o => o with { Tls = Broker.TestTls() with { CaFile = Broker.Certificate("other-ca.crt") } });
        var error = Assert.ThrowsAsync<StompTlsException>(() => client.ConnectAsync().WaitAsync(Timeout));
        Assert.That(error!.Reason, Is.EqualTo(TlsFailure.UntrustedRoot));
    }

    [Test]
    public void A_wss_certificate_naming_another_host_is_refused()
    {
        var client = NewClient(o => o with { Tls = Broker.TestTls() with { TargetHost = "broker.invalid" } });
        var error = Assert.ThrowsAsync<StompTlsException>(() => client.ConnectAsync().WaitAsync(Timeout));
        Assert.That(error!.Reason, Is.EqualTo(TlsFailure.NameMismatch));
    }
}

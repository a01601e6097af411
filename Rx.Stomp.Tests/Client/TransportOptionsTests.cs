using Rx.Stomp.Client;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>TLS and WebSocket URLs, per-endpoint TLS settings, and secrets kept out of every ToString.</summary>
public class TransportOptionsTests
{
    [Test]
    public void Each_scheme_gives_its_kind_default_port_and_for_WebSocket_its_path()
    {
        var options = StompClientOptions.Parse("failover:(stomp+ssl://a,stomp://b,ws://c:15674/ws,wss://d/stomp)");
        Assert.That(options.Endpoints, Is.EqualTo(new[]
        {
            new StompEndpoint("a", 61614) { Kind = StompTransportKind.Tls },
            new StompEndpoint("b", 61613),
            new StompEndpoint("c", 15674) { Kind = StompTransportKind.WebSocket, Path = "/ws" },
            new StompEndpoint("d", 443) { Kind = StompTransportKind.SecureWebSocket, Path = "/stomp" },
        }));
        Assert.That(options.Endpoints.Select(e => e.ToString()), Is.EqualTo(new[] { "stomp+ssl://a:61614", "b:61613", "ws://c:15674/ws", "wss://d:443/stomp" }));
    }

    [Test]
    public void A_WebSocket_urls_path_is_not_the_virtual_host_which_comes_from_the_query()
    {
        var options = StompClientOptions.Parse("ws://guest:guest@h:15674/ws?vhost=prod");
        Assert.That(options.VirtualHost, Is.EqualTo("prod"));
        Assert.That(options.Endpoints[0].Path, Is.EqualTo("/ws"));
    }

    [Test]
    public void TLS_keys_of_each_url_in_a_failover_list_set_that_endpoints_own_settings()
    {
        var options = StompClientOptions.Parse("failover:(stomp+ssl://a?ca-file=/ca/a.pem&target-host=broker-a,stomp+ssl://b?cert-file=/c.pfx,stomp+ssl://c)");
        Assert.Multiple(() =>
        {
            Assert.That(options.Endpoints[0].Tls, Is.EqualTo(StompTlsOptions.Default with { CaFile = "/ca/a.pem", TargetHost = "broker-a" }));
            Assert.That(options.Endpoints[1].Tls, Is.EqualTo(StompTlsOptions.Default with { ClientCertificateFile = "/c.pfx" }));
            Assert.That(options.Endpoints[2].Tls, Is.Null, "the client's settings apply");
        });
    }

    [Test]
    public void Verification_is_on_by_default_and_off_only_by_the_dangerous_option()
    {
        Assert.That(new StompClientOptions().Tls.DangerousAcceptAnyServerCertificate, Is.False);
        Assert.That(StompTlsOptions.Default.ToString(), Does.Not.Contain("Dangerous"));
        Assert.That((StompTlsOptions.Default with { DangerousAcceptAnyServerCertificate = true }).ToString(), Does.Contain("DangerousAcceptAnyServerCertificate = true"));
    }

    [Test]
    public void The_key_password_passcode_and_WebSocket_header_values_never_show_in_ToString()
    {
        var tls = new StompTlsOptions { ClientCertificateFile = "/c.pem", ClientKeyFile = "/k.pem", ClientKeyPassword = "k3y-s3cr3t" };
        var options = StompClientOptions.Parse("stomp+ssl://user:pa55-s3cr3t@host") with { Tls = tls };
        var webSocket = new WebSocketTransportOptions { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer t0k3n" } };
        Assert.Multiple(() =>
        {
            Assert.That(tls.ToString(), Does.Not.Contain("k3y-s3cr3t").And.Contain("ClientKeyPassword = ***"));
            Assert.That(options.ToString(), Does.Not.Contain("k3y-s3cr3t").And.Not.Contain("pa55-s3cr3t").And.Contain("/k.pem"));
            Assert.That((options.Endpoints[0] with { Tls = tls }).ToString(), Does.Not.Contain("k3y-s3cr3t"));
            Assert.That(webSocket.ToString(), Does.Not.Contain("t0k3n").And.Contain("Authorization"));
        });
    }
}

using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The whole text of <see cref="StompClientOptions.ToString"/>: endpoints, login, a masked passcode, virtual host, client
/// id when set, versions and heart-beats, and the TLS settings only when some endpoint uses TLS.
/// </summary>
public class OptionsToStringTests
{
    [Test]
    public void The_defaults_show_none_for_login_and_passcode_and_no_client_id_nor_TLS() =>
        Assert.That(new StompClientOptions().ToString(), Is.EqualTo(
            "StompClientOptions { Endpoints = [localhost:61613], Login = (none), Passcode = (none), VirtualHost = /, AcceptVersions = 1.0,1.1,1.2, Heartbeat = 0,0 }"));

    [Test]
    public void Every_shown_setting_appears_in_order_and_the_passcode_only_as_a_mask()
    {
        var options = new StompClientOptions
        {
            Endpoints = [new("a", 1), new("b", 2)],
            Login = "user",
            Passcode = "s3cr3t",
            VirtualHost = "prod",
            ClientId = "app-1",
            AcceptVersions = [StompVersion.V11, StompVersion.V12],
            Heartbeat = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)),
        };

        Assert.That(options.ToString(), Is.EqualTo(
            "StompClientOptions { Endpoints = [a:1, b:2], Login = user, Passcode = ***, VirtualHost = prod, ClientId = app-1, AcceptVersions = 1.1,1.2, Heartbeat = 1000,2000 }"));
    }

    [Test]
    public void The_TLS_settings_show_when_any_endpoint_uses_TLS()
    {
        var options = new StompClientOptions { Endpoints = [new("a", 1), new("b", 2) { Kind = StompTransportKind.Tls }] };

        Assert.That(options.ToString(), Is.EqualTo(
            $"StompClientOptions {{ Endpoints = [a:1, stomp+ssl://b:2], Login = (none), Passcode = (none), VirtualHost = /, AcceptVersions = 1.0,1.1,1.2, Heartbeat = 0,0, Tls = {StompTlsOptions.Default} }}"));
    }
}

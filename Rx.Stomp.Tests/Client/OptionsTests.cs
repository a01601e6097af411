using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

public class OptionsTests
{
    [Test]
    public void A_stomp_url_gives_credentials_endpoint_virtual_host_and_query_options()
    {
        var options = StompClientOptions.Parse("stomp://user:p%40ss@broker.example:61614/prod?heart-beat=1000,2000&accept-version=1.1,1.2");
        Assert.That(options.Endpoints, Is.EqualTo(new[] { new StompEndpoint("broker.example", 61614) }));
        Assert.That(options.Login, Is.EqualTo("user"));
        Assert.That(options.Passcode, Is.EqualTo("p@ss"));
        Assert.That(options.VirtualHost, Is.EqualTo("prod"));
        Assert.That(options.Heartbeat, Is.EqualTo(new HeartbeatIntervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))));
        Assert.That(options.AcceptVersions, Is.EqualTo(new[] { StompVersion.V11, StompVersion.V12 }));
    }

    [Test]
    public void A_failover_list_keeps_its_order_and_the_default_port()
    {
        var options = StompClientOptions.Parse("failover:(stomp://a:1,stomp://b)");
        Assert.That(options.Endpoints, Is.EqualTo(new[] { new StompEndpoint("a", 1), new StompEndpoint("b", 61613) }));
    }

    [Test]
    public void The_passcode_never_shows_in_ToString_nor_in_a_url_error()
    {
        var options = StompClientOptions.Parse("stomp://user:s3cr3t-pw@host:1");
        Assert.That(options.ToString(), Does.Not.Contain("s3cr3t-pw"));
        Assert.That(Handshake.BuildConnectFrame(options).ToString(), Does.Not.Contain("s3cr3t-pw"));
        var error = Assert.Throws<FormatException>(() => StompClientOptions.Parse("stomp://user:s3cr3t-pw@host:1/?nope=1"));
        Assert.That(error!.Message, Does.Not.Contain("s3cr3t-pw"));
        error = Assert.Throws<FormatException>(() => StompClientOptions.Parse("ftp://user:s3cr3t-pw@host:1"));
        Assert.That(error!.Message, Does.Not.Contain("s3cr3t-pw"));
    }

    [Test]
    public void Loopback_endpoints_go_first_and_the_machines_own_name_is_tried_on_loopback_first()
    {
        var ordered = EndpointOrder.Arrange([new("remote", 1), new("myhost", 2), new("localhost", 3)], preferLocalhost: true, tryLoopback: true, machineName: "myhost");
        Assert.That(ordered, Is.EqualTo(new StompEndpoint[] { new("127.0.0.1", 2), new("localhost", 3), new("remote", 1), new("myhost", 2) }));
        var kept = EndpointOrder.Arrange([new("remote", 1), new("localhost", 3)], preferLocalhost: false, tryLoopback: false);
        Assert.That(kept, Is.EqualTo(new StompEndpoint[] { new("remote", 1), new("localhost", 3) }));
    }
}

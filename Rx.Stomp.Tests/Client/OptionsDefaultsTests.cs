using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>The documented defaults of the option records, which a caller who sets nothing relies on.</summary>
public class OptionsDefaultsTests
{
    [Test]
    public void A_client_by_default_tries_localhost_first_and_on_loopback_and_offers_every_version_on_the_root_virtual_host()
    {
        var options = new StompClientOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Endpoints, Is.EqualTo(new[] { new StompEndpoint("localhost", 61613) }));
            Assert.That(options.PreferLocalhost, Is.True);
            Assert.That(options.TryLoopbackConnect, Is.True);
            Assert.That(options.VirtualHost, Is.EqualTo("/"));
            Assert.That(options.AcceptVersions, Is.EqualTo(new[] { StompVersion.V10, StompVersion.V11, StompVersion.V12 }));
            Assert.That(options.UseStompCommand, Is.False);
            Assert.That(options.Heartbeat, Is.EqualTo(HeartbeatIntervals.None));
        });
    }

    [Test]
    public void A_send_by_default_carries_content_length_and_asks_no_receipt_and_a_watch_asks_one()
    {
        Assert.Multiple(() =>
        {
            Assert.That((SendOptions.Default.ContentLength, SendOptions.Default.Receipt), Is.EqualTo((true, false)));
            Assert.That(new SendOptions(), Is.EqualTo(SendOptions.Default));
            Assert.That((new SubscribeOptions().Receipt, new SubscribeOptions().Ack), Is.EqualTo((true, AckMode.Auto)));
            Assert.That(TransactionOptions.Default.Receipt, Is.False);
        });
    }
}

using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Client;

public class HandshakeTests
{
    [Test]
    public void CONNECT_offers_every_version_by_default_and_names_the_default_virtual_host()
    {
        var connect = Handshake.BuildConnectFrame(new StompClientOptions());
        Assert.That(connect.Command, Is.EqualTo(StompCommand.Connect));
        Assert.That(connect.Headers["accept-version"], Is.EqualTo("1.0,1.1,1.2"));
        Assert.That(connect.Headers["host"], Is.EqualTo("/"), "RabbitMQ reads host as the vhost; '/' works on all three brokers");
        Assert.That(connect.Headers.Contains("heart-beat"), Is.False, "no heart-beat header means 0,0");
    }

    [Test]
    public void A_pinned_version_is_the_only_one_offered_and_STOMP_can_replace_CONNECT()
    {
        var connect = Handshake.BuildConnectFrame(new StompClientOptions { AcceptVersions = [StompVersion.V11], UseStompCommand = true });
        Assert.That(connect.Command, Is.EqualTo(StompCommand.Stomp));
        Assert.That(connect.Headers["accept-version"], Is.EqualTo("1.1"));
    }

    [Test]
    public void CONNECT_never_carries_a_receipt_even_when_extra_headers_ask_for_one()
    {
        var connect = Handshake.BuildConnectFrame(new StompClientOptions { ConnectHeaders = StompHeaders.Create(("receipt", "r1"), ("client-id", "me")) });
        Assert.That(connect.Headers.Contains("receipt"), Is.False);
        Assert.That(connect.Headers["client-id"], Is.EqualTo("me"));
    }

    [TestCase(null, StompVersion.V10)]
    [TestCase("1.1", StompVersion.V11)]
    [TestCase("1.2", StompVersion.V12)]
    public void The_version_comes_from_CONNECTED_and_its_absence_means_1_0(string? header, StompVersion expected)
    {
        var connected = new Frame(StompCommand.Connected, header is null ? StompHeaders.Empty : StompHeaders.Create(("version", header)));
        Assert.That(Handshake.NegotiateVersion(StompVersions.All, connected), Is.EqualTo(expected));
    }

    [Test]
    public void A_version_that_was_not_offered_is_a_version_error()
    {
        var connected = new Frame(StompCommand.Connected, StompHeaders.Create(("version", "1.1")));
        Assert.Throws<StompVersionException>(() => Handshake.NegotiateVersion([StompVersion.V12], connected));
        Assert.Throws<StompVersionException>(() => Handshake.NegotiateVersion([StompVersion.V12], new Frame(StompCommand.Connected)));
        Assert.Throws<StompVersionException>(() => Handshake.NegotiateVersion([StompVersion.V12], new Frame(StompCommand.Connected, StompHeaders.Create(("version", "2.0")))));
    }
}

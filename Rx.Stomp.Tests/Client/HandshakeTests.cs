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

    // What the user reads when a broker is refused: which version it chose (or that it said none), and what was offered.
    [TestCase(null, "The server answered without a version header (STOMP 1.0), but only 1.1, 1.2 was offered.")]
    [TestCase("1.0", "The server chose STOMP 1.0, but only 1.1, 1.2 was offered.")]
    [TestCase("9.9", "The server chose version '9.9', which this client does not speak.")]
    public void A_refused_version_says_what_the_server_chose_and_what_was_offered(string? header, string message)
    {
        var connected = new Frame(StompCommand.Connected, header is null ? StompHeaders.Empty : StompHeaders.Create(("version", header)));
        var refused = Assert.Throws<StompVersionException>(() => Handshake.NegotiateVersion([StompVersion.V11, StompVersion.V12], connected));
        Assert.That(refused!.Message, Is.EqualTo(message));
    }

    // One direction on is enough for the header: without it the broker reads 0,0 and the other direction is lost.
    [TestCase(1000, 0, "1000,0")]
    [TestCase(0, 2000, "0,2000")]
    [TestCase(1000, 2000, "1000,2000")]
    public void CONNECT_asks_for_heart_beats_when_either_direction_is_on(int outgoing, int incoming, string header)
    {
        var options = new StompClientOptions { Heartbeat = new HeartbeatIntervals(TimeSpan.FromMilliseconds(outgoing), TimeSpan.FromMilliseconds(incoming)) };
        Assert.That(Handshake.BuildConnectFrame(options).Headers["heart-beat"], Is.EqualTo(header));
    }

    [Test]
    public void A_heart_beat_header_that_is_not_two_numbers_is_a_protocol_error_quoting_it()
    {
        var connected = new Frame(StompCommand.Connected, StompHeaders.Create(("version", "1.2"), ("heart-beat", "soon")));
        var refused = Assert.Throws<StompProtocolException>(() => Handshake.NegotiateHeartbeat(new HeartbeatIntervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), StompVersion.V12, connected));
        Assert.That(refused!.Message, Is.EqualTo("The server's heart-beat header 'soon' is not two non-negative integers."));
    }

    [Test]
    public void Null_arguments_are_refused_by_name()
    {
        var connected = new Frame(StompCommand.Connected);
        Assert.Multiple(() =>
        {
            Assert.That(() => Handshake.BuildConnectFrame(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
            Assert.That(() => Handshake.NegotiateVersion(null!, connected), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("offered"));
            Assert.That(() => Handshake.NegotiateVersion(StompVersions.All, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("connected"));
            Assert.That(() => Handshake.NegotiateHeartbeat(null!, StompVersion.V12, connected), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("client"));
            Assert.That(() => Handshake.NegotiateHeartbeat(HeartbeatIntervals.None, StompVersion.V12, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("connected"));
        });
    }
}

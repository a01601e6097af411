using System.Text;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>CONNECT and what the broker refuses, driven by a raw socket client byte by byte.</summary>
public class BrokerHandshakeTests
{
    [TestCase("1.0", "1.0")]
    [TestCase("1.1", "1.1")]
    [TestCase("1.2", "1.2")]
    [TestCase("1.0,1.1", "1.1")]
    [TestCase("1.1,1.0,1.2", "1.2")]
    [TestCase("1.2,2.0", "1.2")]
    public async Task CONNECT_gets_CONNECTED_with_the_highest_common_version(string accept, string expected)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Endpoint);

        await client.SendAsync(StompCommand.Connect, ("accept-version", accept), ("host", "/"));
        var connected = await client.ExpectAsync(StompCommand.Connected);

        Assert.That(connected.Headers["version"], Is.EqualTo(expected));
        Assert.That(connected.Headers["session"], Is.EqualTo(broker.SessionIds.Single()));
        Assert.That(connected.Headers["server"], Does.StartWith("Rx.Stomp.Broker/"));
        Assert.That(connected.Headers["heart-beat"], expected == "1.0" ? Is.Null : Is.EqualTo("100,100"), "1.0 has no heart-beats");
    }

    [Test]
    public async Task CONNECT_without_accept_version_is_STOMP_1_0_and_CONNECTED_has_no_version_header()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Endpoint, StompVersion.V10);

        await client.SendAsync(StompCommand.Connect, ("login", "x"));
        var connected = await client.ExpectAsync(StompCommand.Connected);

        Assert.That(connected.Headers.Contains("version"), Is.False);
        Assert.That(connected.Headers.Contains("heart-beat"), Is.False);
        Assert.That(connected.Headers["session"], Is.Not.Null);
    }

    [Test]
    public async Task The_STOMP_command_connects_like_CONNECT()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Endpoint);

        await client.SendAsync(StompCommand.Stomp, ("accept-version", "1.1,1.2"), ("host", "/"));

        Assert.That((await client.ExpectAsync(StompCommand.Connected)).Headers["version"], Is.EqualTo("1.2"));
    }

    [Test]
    public async Task No_common_version_gets_an_ERROR_listing_the_supported_ones_then_the_close()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Versions = [StompVersion.V11, StompVersion.V12] });
        await using var client = await RawClient.OpenAsync(broker.Endpoint, StompVersion.V10);

        await client.SendAsync(StompCommand.Connect, ("accept-version", "1.0"));
        var error = await client.ExpectErrorAndCloseAsync();

        Assert.That(error.Headers["version"], Is.EqualTo("1.1,1.2"));
        Assert.That(error.Headers["message"], Does.Contain("No common STOMP version"));
    }

    [Test]
    public async Task A_wrong_login_gets_an_ERROR_then_the_close_and_the_right_one_is_let_in()
    {
        var users = new Dictionary<string, string> { ["alice"] = "s3cret:\\x" };
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Users = users });

        await using (var wrong = await RawClient.OpenAsync(broker.Endpoint))
        {
            var error = await wrong.HandshakeAsync(StompVersion.V12, null, ("login", "alice"), ("passcode", "guess"));
            Assert.That(error.Command, Is.EqualTo(StompCommand.Error));
            Assert.That(error.Headers["message"], Is.EqualTo("Access refused for user 'alice'."));
            Assert.That(error.GetBodyText(), Does.Not.Contain("guess"), "the passcode is never echoed");
            await wrong.ExpectClosedAsync();
        }

        await using (var anonymous = await RawClient.OpenAsync(broker.Endpoint))
        {
            Assert.That((await anonymous.HandshakeAsync(StompVersion.V12)).Command, Is.EqualTo(StompCommand.Error), "no login at all");
            await anonymous.ExpectClosedAsync();
        }

        // CONNECT is never escaped: a passcode with ':' and '\' goes out raw and must match as such.
        await using var right = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V12, null, ("login", "alice"), ("passcode", "s3cret:\\x"));
        Assert.That(right.Connected!.Headers["version"], Is.EqualTo("1.2"));
    }

    [TestCase("HELLO\n\n\0", "Unknown command")]
    [TestCase("CONNECT\naccept-version:1.2\nbad header line\n\n\0", "")]
    [TestCase("\r\r", "CR")]
    public async Task Garbage_before_CONNECT_gets_an_ERROR_then_the_close(string garbage, string says)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Endpoint);
        var errors = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.ErrorSent);

        await client.SendRawAsync(garbage);
        var error = await client.ExpectErrorAndCloseAsync();

        Assert.That(error.Headers["message"], Does.StartWith("Invalid frame").And.Contain(says));
        Assert.That((await errors).Message, Is.EqualTo(error.Headers["message"]));
    }

    [Test]
    public async Task Garbage_after_CONNECTED_gets_an_ERROR_then_the_close()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);

        await client.SendRawAsync("SEND\ndestination:/queue/a\ncontent-length:3\n\nabcdef\0");

        Assert.That((await client.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("No NUL after the 3 body bytes"));
    }

    [Test]
    public async Task A_first_frame_other_than_CONNECT_is_refused()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Endpoint);

        await client.SendAsync(StompCommand.Send, "x", ("destination", "/queue/a"), ("receipt", "r1"));
        var error = await client.ExpectErrorAndCloseAsync();

        Assert.That(error.Headers["message"], Does.Contain("Expected CONNECT"));
        Assert.That(error.Headers["receipt-id"], Is.EqualTo("r1"));
    }

    [Test]
    public async Task A_second_CONNECT_is_refused()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);

        await client.SendAsync(StompCommand.Connect, ("accept-version", "1.2"));

        Assert.That((await client.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("Already connected"));
    }

    [Test]
    public async Task A_frame_over_the_limits_gets_an_ERROR_then_the_close()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Limits = new FrameLimits { MaxFrameSize = 1024 } });
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);

        await client.SendAsync(new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/queue/a")), new byte[2000]));

        Assert.That((await client.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("limit of 1024 bytes"));
        Assert.That(broker.GetQueue("/queue/a").Pending, Is.Zero);
    }

    [TestCase("SEND", "receipt:r9", "needs a 'destination' header")]
    [TestCase("SEND", "destination:/exchange/x\nreceipt:r9", "Unknown destination '/exchange/x'")]
    [TestCase("SEND", "destination:/queue/\nreceipt:r9", "Unknown destination")]
    [TestCase("SUBSCRIBE", "destination:/queue/a\nreceipt:r9", "needs a 'id' header")]
    [TestCase("SUBSCRIBE", "id:1\ndestination:/queue/a\nack:sometimes\nreceipt:r9", "not an ack mode")]
    [TestCase("UNSUBSCRIBE", "id:nope\nreceipt:r9", "No subscription 'nope'")]
    [TestCase("ACK", "id:a-404\nreceipt:r9", "ACK of an unknown message")]
    [TestCase("NACK", "receipt:r9", "needs a 'id' header")]
    [TestCase("COMMIT", "transaction:t0\nreceipt:r9", "transaction 't0', which is not open")]
    [TestCase("BEGIN", "receipt:r9", "needs a 'transaction' header")]
    [TestCase("MESSAGE", "receipt:r9", "only a server sends")]
    public async Task Bad_frames_get_an_ERROR_with_the_receipt_id_then_the_close(string command, string headers, string says)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);

        await client.SendRawAsync($"{command}\n{headers}\n\n\0");
        var error = await client.ExpectErrorAndCloseAsync();

        Assert.That(error.Headers["message"], Does.Contain(says));
        Assert.That(error.Headers["receipt-id"], Is.EqualTo("r9"));
        Assert.That(error.Headers["content-type"], Does.StartWith("text/plain"));
    }

    [Test]
    public async Task A_duplicate_subscription_id_is_refused()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);

        await client.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/queue/a"));
        await client.SendAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/topic/b"));

        Assert.That((await client.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("'s' is already in use"));
        Assert.That(broker.SubscriptionCount, Is.Zero, "the connection's subscriptions ended with it");
    }

    [Test]
    public async Task In_STOMP_1_0_SUBSCRIBE_needs_no_id_and_NACK_does_not_exist()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V10);

        await client.SendWithReceiptAsync(StompCommand.Subscribe, ("destination", "/queue/a"), ("ack", "client"));
        await client.SendAsync(StompCommand.Send, "x", ("destination", "/queue/a"));
        var message = await client.ExpectAsync(StompCommand.Message);
        Assert.That(message.Headers["subscription"], Is.EqualTo("/queue/a"), "the destination stands in for the id");
        await client.SendAsync(StompCommand.Nack, ("message-id", message.Headers["message-id"]!));

        Assert.That((await client.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("NACK is not part of STOMP 1.0"));
    }

    [Test]
    public async Task A_SEND_to_a_full_queue_is_refused()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { MaxPendingPerQueue = 2 });
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);

        await client.SendAsync(StompCommand.Send, "1", ("destination", "/queue/a"));
        await client.SendWithReceiptAsync(StompCommand.Send, ("destination", "/queue/a"));
        await client.SendAsync(StompCommand.Send, "3", ("destination", "/queue/a"), ("receipt", "r3"));
        var error = await client.ExpectErrorAndCloseAsync();

        Assert.That(error.Headers["message"], Does.Contain("is full"));
        Assert.That(error.Headers["receipt-id"], Is.EqualTo("r3"));
        Assert.That(broker.GetQueue("/queue/a").Pending, Is.EqualTo(2));
    }

    [Test]
    public async Task An_ERROR_message_with_a_colon_and_a_backslash_reaches_each_version_intact()
    {
        await using var broker = await StompBroker.StartAsync();
        foreach (var version in StompVersions.All)
        {
            await using var client = await RawClient.ConnectAsync(broker.Endpoint, version);
            await client.SendAsync(StompCommand.Send, "x", ("destination", "/bad:dest\\x"));
            var error = await client.ExpectErrorAndCloseAsync();
            Assert.That(error.Headers["message"], Does.Contain("'/bad:dest\\x'"), version.ToWire());
            Assert.That(Encoding.UTF8.GetString(error.Body.Span), Does.Contain("/bad:dest\\x"));
        }
    }
}

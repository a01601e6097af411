using System.Globalization;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>Bodies, headers, receipts and unsubscribing, through a real broker and back.</summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.BrokersVersionsAndTransports))]
public sealed class MessagingTests(Broker broker, StompVersion version) : BrokerTest(broker, version)
{
    [Test]
    public async Task A_text_body_round_trips()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("text");
        var messages = Record(client.Watch(queue));
        const string text = "héllo wörld ☃ 日本語 — ✓";

        // Without content-length (ActiveMQ makes a TextMessage of it), so the body ends at the NUL.
        await Within(client.SendAsync(queue, text, new SendOptions { Receipt = true, ContentLength = false, ContentType = "text/plain;charset=utf-8" }), "the RECEIPT of SEND");

        var message = (await messages.TakeAsync(1, Timeout))[0];
        Assert.Multiple(() =>
        {
            Assert.That(message.GetBodyText(), Is.EqualTo(text));
            Assert.That(message.Subscription, Is.Not.Null);
            Assert.That(message.MessageId, Is.Not.Null.And.Not.Empty);
            Assert.That(message.Destination, Is.EqualTo(queue));
            Assert.That(message.Version, Is.EqualTo(version));
        });
    }

    [Test]
    public async Task A_binary_body_holding_NUL_bytes_round_trips_byte_exact()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("binary");
        var messages = Record(client.Watch(queue));
        // Every byte value, NUL first and last and a run of NULs in between, plus bytes that are not UTF-8.
        byte[] body = [0, .. Enumerable.Range(0, 256).Select(i => (byte)i), 0, 0, 0, 0xC3, 0x28, 0xFF, 0xFE, (byte)'\n', (byte)'\r', 0];

        await Within(client.SendAsync(queue, body, WithReceipt), "the RECEIPT of SEND");

        var message = (await messages.TakeAsync(1, Timeout))[0];
        Assert.Multiple(() =>
        {
            Assert.That(message.Body.ToArray(), Is.EqualTo(body));
            Assert.That(message.Headers[StompHeaderNames.ContentLength], Is.EqualTo(body.Length.ToString(CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task Several_messages_arrive_in_order_with_their_bodies_intact()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("order");
        var messages = Record(client.Watch(queue));
        var sent = Enumerable.Range(1, 20).Select(i => $"message {i}: " + new string((char)('a' + i), i * 50)).ToArray();

        foreach (var text in sent)
        {
            await client.SendAsync(queue, text);
        }

        Assert.That(Bodies(await messages.TakeAsync(sent.Length, Timeout)), Is.EqualTo(sent));
    }

    [Test]
    public async Task Header_values_with_colons_backslashes_line_feeds_and_non_ASCII_round_trip()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("headers");
        var messages = Record(client.Watch(queue));
        var expected = new Dictionary<string, string>
        {
            ["x-unicode"] = "héllo ☃ 日本語",
        };
        if (version != StompVersion.V10)
        {
            // 1.1 and 1.2 escape colon, backslash and LF; nothing is trimmed.
            expected["x-colon"] = "a:b:c";
            expected["x-backslash"] = @"C:\path\to\n";
            expected["x-line-feed"] = "line 1\nline 2";
            expected["x-all"] = " \\:\n é ";
        }
        else if (!Broker.IsRabbitMq)
        {
            // 1.0 has no escaping and cannot carry LF. ActiveMQ unescapes \c, \\ and \n even from 1.0 clients, so
            // the backslash here is followed by another letter.
            expected["x-colon"] = "a:b:c";
            expected["x-backslash"] = @"C:\path";
        }

        var headers = StompHeaders.Create(expected.Select(e => KeyValuePair.Create(e.Key, e.Value)));
        if (version == StompVersion.V10 && Broker.IsRabbitMq)
        {
            // RabbitMQ applies 1.1 escaping to 1.0 connections too: it writes a colon as "\c" (and closes the
            // connection on a lone backslash, so none is sent). A 1.0 client must show such a value as it came.
            headers = headers.Add("x-colon", "a:b");
            expected["x-colon"] = @"a\cb";
        }

        await Within(client.SendAsync(queue, "with headers", new SendOptions { Receipt = true, Headers = headers }), "the RECEIPT of SEND");

        var message = (await messages.TakeAsync(1, Timeout))[0];
        Assert.Multiple(() =>
        {
            foreach (var (name, value) in expected)
            {
                Assert.That(message.Headers[name], Is.EqualTo(value), name);
            }
        });
    }

    [Test]
    public async Task A_SEND_with_a_receipt_completes_and_the_Receipts_stream_sees_its_id()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("receipt");
        var receipts = Record(client.Receipts);

        await Within(client.SendAsync(queue, "first", WithReceipt), "the RECEIPT of SendAsync");
        var frame = await Within(
            client.SendFrameAsync(new Frame(StompCommand.Send, StompHeaders.Create((StompHeaderNames.Destination, queue)), "second"u8.ToArray()), receipt: true),
            "the RECEIPT of SendFrameAsync");

        Assert.That(frame, Is.Not.Null);
        Assert.That(frame!.Command, Is.EqualTo(StompCommand.Receipt));
        var id = frame.Headers[StompHeaderNames.ReceiptId];
        var seen = await receipts.TakeAsync(2, Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(id, Is.Not.Null.And.Not.Empty);
            Assert.That(seen[1].Id, Is.EqualTo(id));
            Assert.That(seen[0].Id, Is.Not.EqualTo(id), "each receipt has its own id");
        });

        // Both messages reached the queue.
        Assert.That(Bodies(await Record(client.Watch(queue)).TakeAsync(2, Timeout)), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public async Task Disposing_a_watch_unsubscribes_and_stops_delivery()
    {
        var client = await ConnectAsync();
        var stopped = NewQueue("unsubscribed");
        var kept = NewQueue("kept");
        // On the wire, not through the watch: a message for the disposed subscription would be dropped by the
        // client, so only the MESSAGE frames show whether the broker stopped sending.
        var wire = Record(client.Messages);
        var watch = Record(client.Watch(stopped, new SubscribeOptions { Id = "stopped-sub" }));
        var keptMessages = Record(client.Watch(kept));

        await client.SendAsync(stopped, "before");
        Assert.That(Bodies(await watch.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "before" }));

        await watch.DisposeAsync();
        await Within(client.SendAsync(stopped, "after", WithReceipt), "the RECEIPT of the SEND after UNSUBSCRIBE");
        await client.SendAsync(kept, "marker");
        await keptMessages.TakeAsync(1, Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(watch.Items, Has.Count.EqualTo(1));
            Assert.That(Bodies(wire.Items.Where(m => m.Subscription == "stopped-sub")), Is.EqualTo(new[] { "before" }));
        });

        // The message was not lost to a subscription that should be gone: it waits in the queue.
        Assert.That(Bodies(await Record(client.Watch(stopped)).TakeAsync(1, Timeout)), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task Messages_are_routed_by_subscription_to_each_watch()
    {
        var client = await ConnectAsync();
        var first = NewQueue("route-a");
        var second = NewQueue("route-b");
        var a = Record(client.Watch(first));
        var b = Record(client.Watch(second));

        await client.SendAsync(first, "for a");
        await client.SendAsync(second, "for b");
        await client.SendAsync(first, "for a again");

        Assert.That(Bodies(await a.TakeAsync(2, Timeout)), Is.EqualTo(new[] { "for a", "for a again" }));
        Assert.That(Bodies(await b.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "for b" }));
        Assert.That(a.Items, Has.Count.EqualTo(2));
        Assert.That(b.Items, Has.Count.EqualTo(1));
    }
}

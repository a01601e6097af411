using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using Rx.Stomp.Broker;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>Queues, topics, acknowledgements, transactions and receipts, seen from raw socket clients.</summary>
public class BrokerRoutingTests
{
    private static Task<Frame> Subscribe(RawClient client, string id, string destination, string ack = "auto", params (string, string)[] more) =>
        client.SendWithReceiptAsync(StompCommand.Subscribe, [("id", id), ("destination", destination), ("ack", ack), .. more]);

    private static async Task<List<Frame>> Messages(RawClient client, int count)
    {
        var messages = new List<Frame>();
        for (var i = 0; i < count; i++)
        {
            messages.Add(await client.ExpectAsync(StompCommand.Message));
        }

        return messages;
    }

    [Test]
    public async Task A_queue_hands_each_message_to_one_consumer_round_robin()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var a = await RawClient.ConnectAsync(broker.Endpoint);
        await using var b = await RawClient.ConnectAsync(broker.Endpoint);
        await using var producer = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(a, "sa", "/queue/work");
        await Subscribe(b, "sb", "/queue/work");

        for (var i = 0; i < 6; i++)
        {
            await producer.SendAsync(StompCommand.Send, $"job {i}", ("destination", "/queue/work"));
        }

        var atA = (await Messages(a, 3)).Select(m => m.GetBodyText()).ToList();
        var atB = (await Messages(b, 3)).Select(m => m.GetBodyText()).ToList();
        Assert.That(atA, Is.EqualTo(new[] { "job 0", "job 2", "job 4" }));
        Assert.That(atB, Is.EqualTo(new[] { "job 1", "job 3", "job 5" }));
        await a.ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
        Assert.That(broker.GetQueue("/queue/work"), Is.EqualTo(new BrokerQueueInfo("/queue/work", 0, 0, 2)));
    }

    [Test]
    public async Task A_queue_keeps_messages_until_a_consumer_comes()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await RawClient.ConnectAsync(broker.Endpoint);
        await producer.SendAsync(StompCommand.Send, "early 1", ("destination", "/queue/later"));
        await producer.SendWithReceiptAsync(StompCommand.Send, ("destination", "/queue/later"));
        Assert.That(broker.GetQueue("/queue/later").Pending, Is.EqualTo(2));

        await using var consumer = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(consumer, "s", "/queue/later");

        Assert.That((await Messages(consumer, 2)).Select(m => m.Body.Length), Is.EqualTo(new[] { 7, 0 }));
        Assert.That(broker.GetQueue("/queue/later").Pending, Is.Zero);
    }

    [Test]
    public async Task A_topic_hands_each_message_to_every_subscriber_and_keeps_none()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var a = await RawClient.ConnectAsync(broker.Endpoint);
        await using var b = await RawClient.ConnectAsync(broker.Endpoint);
        await using var producer = await RawClient.ConnectAsync(broker.Endpoint);
        await producer.SendWithReceiptAsync(StompCommand.Send, ("destination", "/topic/news"));
        await Subscribe(a, "1", "/topic/news");
        await Subscribe(b, "2", "/topic/news");
        await Subscribe(b, "3", "/topic/news");

        await producer.SendAsync(StompCommand.Send, "hello", ("destination", "/topic/news"));

        var atA = await a.ExpectAsync(StompCommand.Message);
        Assert.That(atA.GetBodyText(), Is.EqualTo("hello"), "the message sent before the subscription was not kept");
        Assert.That(atA.Headers["subscription"], Is.EqualTo("1"));
        var atB = await Messages(b, 2);
        Assert.That(atB.Select(m => m.Headers["subscription"]).Order(), Is.EqualTo(new[] { "2", "3" }), "one copy per subscription");
        Assert.That(atB.Select(m => m.Headers["message-id"]).Distinct().Single(), Is.EqualTo(atA.Headers["message-id"]));
        Assert.That(broker.SubscriptionCount, Is.EqualTo(3));
    }

    [TestCase(StompVersion.V10)]
    [TestCase(StompVersion.V11)]
    [TestCase(StompVersion.V12)]
    public async Task MESSAGE_carries_the_SEND_headers_and_the_body_byte_for_byte(StompVersion version)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, version);
        await Subscribe(client, "s1", "/queue/bytes", "client-individual");
        var body = new byte[] { 0, 1, 2, 0, 255, 10, 13, 0 };
        var value = version == StompVersion.V10 ? "a:b" : "a:b\\c\nd";

        await client.SendAsync(new Frame(StompCommand.Send, StompHeaders.Create(
            ("destination", "/queue/bytes"), ("custom", value), ("custom", "repeat"), ("content-type", "application/octet-stream")), body));
        await client.SendAsync(new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/queue/bytes")), "text"u8.ToArray()), contentLength: false);
        var binary = await client.ExpectAsync(StompCommand.Message);
        var text = await client.ExpectAsync(StompCommand.Message);

        Assert.That(binary.Body.ToArray(), Is.EqualTo(body));
        Assert.That(binary.Headers["custom"], Is.EqualTo(value));
        Assert.That(binary.Headers.GetAll("custom"), Is.EqualTo(new[] { value, "repeat" }), "repeats pass through");
        Assert.That(binary.Headers["content-type"], Is.EqualTo("application/octet-stream"));
        Assert.That(binary.Headers["content-length"], Is.EqualTo("8"));
        Assert.That(binary.Headers["destination"], Is.EqualTo("/queue/bytes"));
        Assert.That(binary.Headers["subscription"], Is.EqualTo("s1"));
        Assert.That(binary.Headers["message-id"], Is.Not.Null.And.Not.EqualTo(text.Headers["message-id"]));
        Assert.That(binary.Headers["ack"], version == StompVersion.V12 ? Is.Not.Null : Is.Null, "ack only in 1.2");
        Assert.That(text.Headers.Contains("content-length"), Is.False, "no content-length on the SEND, none on the MESSAGE");
        Assert.That(text.GetBodyText(), Is.EqualTo("text"));
    }

    [Test]
    public async Task An_auto_subscription_gets_no_ack_header_and_leaves_nothing_unacknowledged()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(client, "s", "/queue/a");

        await client.SendAsync(StompCommand.Send, "x", ("destination", "/queue/a"));
        var message = await client.ExpectAsync(StompCommand.Message);

        Assert.That(message.Headers.Contains("ack"), Is.False);
        Assert.That(broker.GetQueue("/queue/a").Unacknowledged, Is.Zero);
        await client.SendAsync(StompCommand.Ack, ("id", message.Headers["message-id"]!));
        Assert.That((await client.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("unknown message"));
    }

    [TestCase(StompVersion.V10)]
    [TestCase(StompVersion.V11)]
    [TestCase(StompVersion.V12)]
    public async Task ACK_names_the_message_the_way_each_version_says(StompVersion version)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, version);
        await Subscribe(client, "s", "/queue/a", "client-individual");
        await client.SendAsync(StompCommand.Send, "x", ("destination", "/queue/a"));
        var message = await client.ExpectAsync(StompCommand.Message);
        Assert.That(broker.GetQueue("/queue/a").Unacknowledged, Is.EqualTo(1));

        (string, string)[] ack = version switch
        {
            StompVersion.V12 => [("id", message.Headers["ack"]!)],
            StompVersion.V11 => [("message-id", message.Headers["message-id"]!), ("subscription", "s")],
            _ => [("message-id", message.Headers["message-id"]!)],
        };
        await client.SendWithReceiptAsync(StompCommand.Ack, ack);

        Assert.That(broker.GetQueue("/queue/a").Unacknowledged, Is.Zero);
    }

    [Test]
    public async Task Ack_mode_client_is_cumulative_and_the_unacknowledged_rest_is_redelivered_when_the_consumer_goes()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await RawClient.ConnectAsync(broker.Endpoint);
        var first = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(first, "s", "/queue/c", "client");
        for (var i = 1; i <= 4; i++)
        {
            await producer.SendAsync(StompCommand.Send, $"m{i}", ("destination", "/queue/c"));
        }

        var delivered = await Messages(first, 4);
        await first.SendWithReceiptAsync(StompCommand.Ack, ("id", delivered[1].Headers["ack"]!));
        Assert.That(broker.GetQueue("/queue/c").Unacknowledged, Is.EqualTo(2), "m1 and m2 acknowledged by one ACK");
        var gone = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected && e.SessionId == first.Session);

        first.Abort();
        await gone;

        Assert.That(broker.GetQueue("/queue/c"), Is.EqualTo(new BrokerQueueInfo("/queue/c", 2, 0, 0)));
        await using var second = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(second, "s", "/queue/c", "client");
        var again = await Messages(second, 2);
        Assert.That(again.Select(m => m.GetBodyText()), Is.EqualTo(new[] { "m3", "m4" }), "in their order");
        Assert.That(again.Select(m => m.Headers["redelivered"]), Is.All.EqualTo("true"));
        Assert.That(again.Select(m => m.Headers["message-id"]), Is.EqualTo(delivered.Skip(2).Select(m => m.Headers["message-id"])));
    }

    [Test]
    public async Task Ack_mode_client_individual_acknowledges_only_the_message_named()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(client, "s", "/queue/ci", "client-individual");
        for (var i = 1; i <= 3; i++)
        {
            await client.SendAsync(StompCommand.Send, $"m{i}", ("destination", "/queue/ci"));
        }

        var delivered = await Messages(client, 3);
        await client.SendWithReceiptAsync(StompCommand.Ack, ("id", delivered[1].Headers["ack"]!));
        Assert.That(broker.GetQueue("/queue/ci").Unacknowledged, Is.EqualTo(2));

        await client.SendAsync(StompCommand.Ack, ("id", delivered[1].Headers["ack"]!));
        Assert.That((await client.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("unknown message"), "acknowledged twice");
    }

    [Test]
    public async Task NACK_redelivers_to_the_next_consumer_marked_redelivered_and_requeue_false_drops()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var a = await RawClient.ConnectAsync(broker.Endpoint);
        await using var b = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(a, "sa", "/queue/n", "client-individual");
        await Subscribe(b, "sb", "/queue/n", "client-individual");
        var requeued = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Requeued);

        await a.SendAsync(StompCommand.Send, "once", ("destination", "/queue/n"));
        var atA = await a.ExpectAsync(StompCommand.Message);
        Assert.That(atA.Headers.Contains("redelivered"), Is.False);
        await a.SendAsync(StompCommand.Nack, ("id", atA.Headers["ack"]!));

        var atB = await b.ExpectAsync(StompCommand.Message);
        Assert.That(atB.GetBodyText(), Is.EqualTo("once"));
        Assert.That(atB.Headers["redelivered"], Is.EqualTo("true"));
        Assert.That(atB.Headers["message-id"], Is.EqualTo(atA.Headers["message-id"]));
        Assert.That((await requeued).MessageId, Is.EqualTo(atA.Headers["message-id"]));

        await b.SendWithReceiptAsync(StompCommand.Nack, ("id", atB.Headers["ack"]!), ("requeue", "false"));
        Assert.That(broker.GetQueue("/queue/n"), Is.EqualTo(new BrokerQueueInfo("/queue/n", 0, 0, 2)));
        await a.ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
    }

    [Test]
    public async Task NACK_in_ack_mode_client_is_cumulative_too()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V11);
        await Subscribe(client, "s", "/queue/nc", "client");
        await client.SendAsync(StompCommand.Send, "m1", ("destination", "/queue/nc"));
        await client.SendAsync(StompCommand.Send, "m2", ("destination", "/queue/nc"));
        var delivered = await Messages(client, 2);

        await client.SendAsync(StompCommand.Nack, ("message-id", delivered[1].Headers["message-id"]!), ("subscription", "s"));

        var again = await Messages(client, 2);
        Assert.That(again.Select(m => m.GetBodyText()), Is.EqualTo(new[] { "m1", "m2" }));
        Assert.That(again.Select(m => m.Headers["redelivered"]), Is.All.EqualTo("true"));
    }

    [Test]
    public async Task Prefetch_count_caps_the_unacknowledged_messages_of_a_consumer()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var slow = await RawClient.ConnectAsync(broker.Endpoint);
        await using var other = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(slow, "s", "/queue/p", "client-individual", ("prefetch-count", "1"));
        for (var i = 1; i <= 3; i++)
        {
            await other.SendAsync(StompCommand.Send, $"m{i}", ("destination", "/queue/p"));
        }

        var first = await slow.ExpectAsync(StompCommand.Message);
        await other.SyncAsync();
        Assert.That(broker.GetQueue("/queue/p"), Is.EqualTo(new BrokerQueueInfo("/queue/p", 2, 1, 1)));
        await slow.SendAsync(StompCommand.Ack, ("id", first.Headers["ack"]!));

        Assert.That((await slow.ExpectAsync(StompCommand.Message)).GetBodyText(), Is.EqualTo("m2"));
    }

    [Test]
    public async Task UNSUBSCRIBE_ends_the_subscription_and_gives_its_unacknowledged_messages_back()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(client, "s", "/queue/u", "client");
        await client.SendAsync(StompCommand.Send, "x", ("destination", "/queue/u"));
        await client.ExpectAsync(StompCommand.Message);
        var unsubscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Unsubscribed);

        await client.SendWithReceiptAsync(StompCommand.Unsubscribe, ("id", "s"));

        Assert.That((await unsubscribed).SubscriptionId, Is.EqualTo("s"));
        Assert.That(broker.SubscriptionCount, Is.Zero);
        Assert.That(broker.GetQueue("/queue/u"), Is.EqualTo(new BrokerQueueInfo("/queue/u", 1, 0, 0)));
    }

    [Test]
    public async Task A_transaction_applies_its_SENDs_and_ACKs_only_on_COMMIT()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(client, "s", "/queue/t", "client-individual");
        await client.SendAsync(StompCommand.Send, "old", ("destination", "/queue/t"));
        var old = await client.ExpectAsync(StompCommand.Message);

        await client.SendAsync(StompCommand.Begin, ("transaction", "tx1"));
        await client.SendAsync(StompCommand.Send, "new", ("destination", "/queue/t"), ("transaction", "tx1"));
        await client.SendWithReceiptAsync(StompCommand.Ack, ("id", old.Headers["ack"]!), ("transaction", "tx1"));
        await client.ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
        Assert.That(broker.GetQueue("/queue/t").Unacknowledged, Is.EqualTo(1), "the ACK waits for COMMIT");

        await client.SendAsync(StompCommand.Commit, ("transaction", "tx1"), ("receipt", "c"));
        var message = await client.ExpectAsync(StompCommand.Message);
        Assert.That(message.GetBodyText(), Is.EqualTo("new"));
        Assert.That((await client.ExpectAsync(StompCommand.Receipt)).Headers["receipt-id"], Is.EqualTo("c"), "the RECEIPT follows what the COMMIT caused");
        Assert.That(broker.GetQueue("/queue/t").Unacknowledged, Is.EqualTo(1), "only the new message is left unacknowledged");
    }

    [Test]
    public async Task ABORT_and_a_lost_connection_discard_the_transaction()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var consumer = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(consumer, "s", "/queue/ta", "client-individual");
        var producer = await RawClient.ConnectAsync(broker.Endpoint);
        await producer.SendAsync(StompCommand.Send, "kept", ("destination", "/queue/ta"));
        var kept = await consumer.ExpectAsync(StompCommand.Message);

        await consumer.SendAsync(StompCommand.Begin, ("transaction", "t"));
        await consumer.SendAsync(StompCommand.Ack, ("id", kept.Headers["ack"]!), ("transaction", "t"));
        await consumer.SendWithReceiptAsync(StompCommand.Abort, ("transaction", "t"));
        Assert.That(broker.GetQueue("/queue/ta").Unacknowledged, Is.EqualTo(1), "the aborted ACK never happened");

        await producer.SendAsync(StompCommand.Begin, ("transaction", "t"));
        await producer.SendWithReceiptAsync(StompCommand.Send, ("destination", "/queue/ta"), ("transaction", "t"));
        var gone = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected && e.SessionId == producer.Session);
        await producer.DisposeAsync();
        await gone;

        await consumer.SyncAsync();
        Assert.That(broker.GetQueue("/queue/ta"), Is.EqualTo(new BrokerQueueInfo("/queue/ta", 0, 1, 1)));
        await consumer.ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
    }

    [Test]
    public async Task Every_client_frame_can_ask_for_a_receipt_and_DISCONNECT_gets_it_before_the_close()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await client.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/queue/r"), ("ack", "client"));
        await client.SendWithReceiptAsync(StompCommand.Send, ("destination", "/queue/r"));
        var message = await client.ExpectAsync(StompCommand.Message);
        await client.SendWithReceiptAsync(StompCommand.Begin, ("transaction", "t"));
        await client.SendWithReceiptAsync(StompCommand.Ack, ("id", message.Headers["ack"]!), ("transaction", "t"));
        await client.SendWithReceiptAsync(StompCommand.Commit, ("transaction", "t"));
        await client.SendWithReceiptAsync(StompCommand.Unsubscribe, ("id", "s"));
        var gone = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected);

        await client.SendAsync(StompCommand.Disconnect, ("receipt", "bye"));

        Assert.That((await client.ExpectAsync(StompCommand.Receipt)).Headers["receipt-id"], Is.EqualTo("bye"));
        await client.ExpectClosedAsync();
        Assert.That((await gone).Error, Is.Null, "a clean close");
        Assert.That(broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task DISCONNECT_gives_unacknowledged_messages_back()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(client, "s", "/queue/d", "client-individual");
        await client.SendAsync(StompCommand.Send, "x", ("destination", "/queue/d"));
        await client.ExpectAsync(StompCommand.Message);

        await client.SendAsync(StompCommand.Disconnect, ("receipt", "bye"));
        await client.ExpectAsync(StompCommand.Receipt);

        Assert.That(broker.GetQueue("/queue/d"), Is.EqualTo(new BrokerQueueInfo("/queue/d", 1, 0, 0)));
    }

    [Test]
    public async Task Many_producers_and_consumers_at_once_lose_and_duplicate_nothing()
    {
        const int Producers = 4, Consumers = 4, PerProducer = 5_000;
        await using var broker = await StompBroker.StartAsync();
        var consumers = new List<RawClient>();
        for (var i = 0; i < Consumers; i++)
        {
            var consumer = await RawClient.ConnectAsync(broker.Endpoint);
            await Subscribe(consumer, "s", "/queue/load");
            consumers.Add(consumer);
        }

        var producing = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            await using var producer = await RawClient.ConnectAsync(broker.Endpoint);
            var batch = new StringBuilder();
            for (var i = 0; i < PerProducer; i++)
            {
                batch.Append(CultureInvariant($"SEND\ndestination:/queue/load\n\n{p}:{i}\0"));
            }

            await producer.SendRawAsync(batch.ToString());
            await producer.SyncAsync();
        })).ToList();
        var received = await Task.WhenAll(consumers.Select(c => Task.Run(async () =>
        {
            var bodies = new List<string>();
            for (var i = 0; i < Producers * PerProducer / Consumers; i++)
            {
                bodies.Add((await c.ExpectAsync(StompCommand.Message)).GetBodyText());
            }

            return bodies;
        })));
        await Task.WhenAll(producing);

        var all = received.SelectMany(b => b).ToList();
        Assert.That(all, Has.Count.EqualTo(Producers * PerProducer));
        Assert.That(all.Distinct().Count(), Is.EqualTo(all.Count));
        foreach (var bodies in received)
        {
            foreach (var group in bodies.GroupBy(b => b.Split(':')[0]))
            {
                var numbers = group.Select(b => int.Parse(b.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.That(numbers, Is.Ordered, "each producer's messages keep their order at each consumer");
            }
        }

        foreach (var consumer in consumers)
        {
            await consumer.DisposeAsync();
        }
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}

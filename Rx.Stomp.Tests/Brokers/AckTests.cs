using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// The ack modes, each checked by what a later consumer of the same queue gets: acknowledged messages never
/// come back, the others come back marked <c>redelivered</c>. A marker sent last shows that nothing else is left.
/// </summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.BrokersVersionsAndTransports))]
public sealed class AckTests(Broker broker, StompVersion version) : BrokerTest(broker, version)
{
    [Test]
    public async Task Auto_ack_consumes_messages_for_good()
    {
        var queue = NewQueue("ack-auto");
        var client = await ConnectAsync();
        var messages = Record(client.Watch(queue, new SubscribeOptions { Ack = AckMode.Auto }));
        await SendAllAsync(client, queue, "m1", "m2", "m3");
        Assert.That(Bodies(await messages.TakeAsync(3, Timeout)), Is.EqualTo(new[] { "m1", "m2", "m3" }));
        await Within(client.DisconnectAsync(), "DisconnectAsync");

        Assert.That(Bodies(await RemainingAsync(queue, expected: 0)), Is.Empty);
    }

    [Test]
    public async Task Client_ack_is_cumulative_acking_the_third_acks_the_first_three()
    {
        var queue = NewQueue("ack-client");
        var client = await ConnectAsync();
        var messages = Record(client.Watch(queue, new SubscribeOptions { Ack = AckMode.Client }));
        await SendAllAsync(client, queue, "m1", "m2", "m3", "m4", "m5");
        var received = await messages.TakeAsync(5, Timeout);
        Assert.That(Bodies(received), Is.EqualTo(new[] { "m1", "m2", "m3", "m4", "m5" }));

        await Within(received[2].AckAsync(receipt: true), "the RECEIPT of ACK");
        await Within(client.DisconnectAsync(), "DisconnectAsync");

        var remaining = await RemainingAsync(queue, expected: 2);
        Assert.That(Bodies(remaining), Is.EqualTo(new[] { "m4", "m5" }));
        Assert.That(remaining.Select(m => m.Redelivered), Is.All.True, "unacknowledged messages come back marked redelivered");
    }

    [Test]
    public async Task Client_individual_ack_acks_only_the_message_itself()
    {
        // client-individual is STOMP 1.1's; both brokers also honour it on 1.0 connections.
        var queue = NewQueue("ack-individual");
        var client = await ConnectAsync();
        var messages = Record(client.Watch(queue, new SubscribeOptions { Ack = AckMode.ClientIndividual }));
        await SendAllAsync(client, queue, "m1", "m2", "m3", "m4");
        var received = await messages.TakeAsync(4, Timeout);
        Assert.That(received.Select(m => m.Redelivered), Is.All.False);

        await received[1].AckAsync();
        await Within(received[3].AckAsync(receipt: true), "the RECEIPT of ACK");
        await Within(client.DisconnectAsync(), "DisconnectAsync");

        var remaining = await RemainingAsync(queue, expected: 2);
        Assert.That(Bodies(remaining), Is.EqualTo(new[] { "m1", "m3" }));
        Assert.That(remaining.Select(m => m.Redelivered), Is.All.True);
    }

    [Test]
    public async Task A_message_acknowledged_by_its_stored_id_is_consumed_for_good()
    {
        var queue = NewQueue("ack-by-id");
        var client = await ConnectAsync();
        var messages = Record(client.Watch(queue, new SubscribeOptions { Ack = AckMode.ClientIndividual }));
        await SendAllAsync(client, queue, "m1", "m2");
        var received = await messages.TakeAsync(2, Timeout);
        // What a stomp.py user keeps: the id to acknowledge by (1.2: the ack header; before: message-id), and the subscription.
        var stored = received.Select(m => (Id: version == StompVersion.V12 ? m.Ack! : m.MessageId!, m.Subscription)).ToList();

        await Within(client.AckAsync(stored[1].Id, stored[1].Subscription, receipt: true, headers: [new("x-acked-by", "id")]), "the RECEIPT of ACK");
        await Within(client.DisconnectAsync(), "DisconnectAsync");

        var remaining = await RemainingAsync(queue, expected: 1);
        Assert.That(Bodies(remaining), Is.EqualTo(new[] { "m1" }));
    }

    [Test]
    public async Task Nack()
    {
        var queue = NewQueue("nack");
        var client = await ConnectAsync();
        var messages = Record(client.Watch(queue, new SubscribeOptions { Ack = AckMode.ClientIndividual }));
        var tag = Guid.NewGuid().ToString("N");
        await Within(client.SendAsync(queue, "refused", new SendOptions
        {
            Receipt = true,
            // persistent: ActiveMQ dead-letters only persistent messages. rxtest_id: a JMS property to select it by.
            Headers = StompHeaders.Create(("persistent", "true"), ("rxtest_id", tag)),
        }), "the RECEIPT of SEND");
        var first = (await messages.TakeAsync(1, Timeout))[0];

        if (version == StompVersion.V10)
        {
            Assert.ThrowsAsync<NotSupportedException>(() => first.NackAsync());
            return;
        }

        await Within(first.NackAsync(receipt: true), "the RECEIPT of NACK");

        if (Broker.Kind != BrokerKind.ActiveMq)
        {
            // RabbitMQ requeues (requeue:true is its default), as the embedded broker does; as the only consumer,
            // we get it again at once.
            var again = (await messages.TakeAsync(2, Timeout))[1];
            Assert.That(again.GetBodyText(), Is.EqualTo("refused"));
            Assert.That(again.Redelivered, Is.True);
            Assert.That(first.Redelivered, Is.False);
            await Within(again.AckAsync(receipt: true), "the RECEIPT of ACK");
        }
        else
        {
            // ActiveMQ treats NACK as a poison ack: no redelivery; the message goes to the dead-letter queue.
            await Within(client.SendAsync(queue, "marker", WithReceipt), "the RECEIPT of the marker");
            var next = (await messages.TakeAsync(2, Timeout))[1];
            Assert.That(next.GetBodyText(), Is.EqualTo("marker"), "the NACKed message was not redelivered");
            await Within(next.AckAsync(receipt: true), "the RECEIPT of ACK");

            var dead = Record(client.Watch("/queue/ActiveMQ.DLQ", new SubscribeOptions
            {
                Headers = StompHeaders.Create(("selector", $"rxtest_id = '{tag}'")),
            }));
            var deadMessage = (await dead.TakeAsync(1, Timeout))[0];
            Assert.That(deadMessage.GetBodyText(), Is.EqualTo("refused"));
            Assert.That(deadMessage.Headers["original-destination"], Is.EqualTo(queue));
        }

        await Within(client.DisconnectAsync(), "DisconnectAsync");
        Assert.That(Bodies(await RemainingAsync(queue, expected: 0)), Is.Empty);
    }

    private static async Task SendAllAsync(StompClient client, string queue, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await client.SendAsync(queue, body);
        }
    }

    /// <summary>
    /// What a new consumer on a new connection gets from <paramref name="queue"/>: the first
    /// <paramref name="expected"/> messages, then a marker sent once they arrived, which must come next. The
    /// broker puts back everything the closed connection left unacknowledged at once, so anything more would come
    /// before the marker. (With <paramref name="expected"/> 0 this relies on the broker having processed the other
    /// connection's close before this one has connected, subscribed and sent.)
    /// </summary>
    private async Task<IList<StompMessage>> RemainingAsync(string queue, int expected)
    {
        var client = await ConnectAsync();
        var messages = Record(client.Watch(queue));
        if (expected > 0)
        {
            await messages.TakeAsync(expected, Timeout);
        }

        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await Within(client.SendAsync(queue, marker, WithReceipt), "the RECEIPT of the marker");
        var received = await messages.TakeAsync(expected + 1, Timeout);
        Assert.That(received[^1].GetBodyText(), Is.EqualTo(marker), $"the marker must come right after {expected} messages; got {string.Join(", ", Bodies(received))}");
        return received.Take(expected).ToList();
    }
}

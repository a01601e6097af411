using Rx.Stomp.Broker;
using Rx.Stomp.Frames;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>
/// The embedded broker's durable topic subscriptions, in RabbitMQ's spelling (<c>durable:true</c> on SUBSCRIBE and
/// UNSUBSCRIBE, named by the <c>id</c>), seen from raw socket clients and counted on the broker's side.
/// </summary>
public class BrokerDurableSubscriptionTests
{
    private static Task<Frame> Subscribe(RawClient client, string id, string topic, string ack = "auto", params (string, string)[] more) =>
        client.SendWithReceiptAsync(StompCommand.Subscribe, [("id", id), ("destination", topic), ("ack", ack), ("durable", "true"), .. more]);

    private static async Task PublishAsync(RawClient producer, string topic, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await producer.SendAsync(StompCommand.Send, body, ("destination", topic));
        }

        await producer.SyncAsync();
    }

    [Test]
    public async Task A_durable_subscription_keeps_what_its_topic_gets_while_its_client_is_away_and_hands_it_over_in_order()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await RawClient.ConnectAsync(broker.Endpoint);
        await using (var away = await RawClient.ConnectAsync(broker.Endpoint))
        {
            await Subscribe(away, "news-reader", "/topic/news");
            await away.SendWithReceiptAsync(StompCommand.Disconnect);
        }

        await PublishAsync(producer, "/topic/news", "m1", "m2", "m3");

        Assert.That(broker.GetDurableSubscription("news-reader"), Is.EqualTo(new BrokerQueueInfo("/topic/news", 3, 0, 0)));
        await using var back = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(back, "news-reader", "/topic/news");
        var bodies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            bodies.Add((await back.ExpectAsync(StompCommand.Message)).GetBodyText());
        }

        Assert.That(bodies, Is.EqualTo(new[] { "m1", "m2", "m3" }));
        Assert.That(broker.GetDurableSubscription("news-reader"), Is.EqualTo(new BrokerQueueInfo("/topic/news", 0, 0, 1)));
    }

    [Test]
    public async Task A_plain_UNSUBSCRIBE_detaches_and_one_with_durable_true_removes_it_attached_or_not()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(client, "kept", "/topic/t");
        await Subscribe(client, "attached", "/topic/t");

        await client.SendWithReceiptAsync(StompCommand.Unsubscribe, ("id", "kept"));
        Assert.That(broker.GetDurableSubscription("kept"), Is.EqualTo(new BrokerQueueInfo("/topic/t", 0, 0, 0)), "detached, still kept");

        await client.SendWithReceiptAsync(StompCommand.Unsubscribe, ("id", "kept"), ("durable", "true"));
        await client.SendWithReceiptAsync(StompCommand.Unsubscribe, ("id", "attached"), ("durable", "true"));
        await PublishAsync(client, "/topic/t", "after");

        Assert.That(broker.GetDurableSubscription("kept"), Is.Null);
        Assert.That(broker.GetDurableSubscription("attached"), Is.Null);
        Assert.That(broker.SubscriptionCount, Is.Zero);
    }

    [Test]
    public async Task Removing_one_another_connection_consumes_from_or_one_that_does_not_exist_is_refused()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var consumer = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(consumer, "busy", "/topic/t");
        await using var other = await RawClient.ConnectAsync(broker.Endpoint);
        await using var third = await RawClient.ConnectAsync(broker.Endpoint);

        await other.SendAsync(StompCommand.Unsubscribe, ("id", "busy"), ("durable", "true"));
        await third.SendAsync(StompCommand.Unsubscribe, ("id", "nothing"), ("durable", "true"));

        Assert.That((await other.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("in use"));
        Assert.That((await third.ExpectErrorAndCloseAsync()).Headers["message"], Does.Contain("No durable subscription 'nothing'"));
        Assert.That(broker.GetDurableSubscription("busy")?.Consumers, Is.EqualTo(1));
    }

    [Test]
    public async Task Prefetch_count_caps_a_durable_subscription_and_what_its_client_left_unacknowledged_comes_back_to_it()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await RawClient.ConnectAsync(broker.Endpoint);
        await using (var slow = await RawClient.ConnectAsync(broker.Endpoint))
        {
            await Subscribe(slow, "slow", "/topic/p", "client-individual", ("prefetch-count", "1"));
            await PublishAsync(producer, "/topic/p", "m1", "m2", "m3");
            Assert.That((await slow.ExpectAsync(StompCommand.Message)).GetBodyText(), Is.EqualTo("m1"));
            Assert.That(broker.GetDurableSubscription("slow"), Is.EqualTo(new BrokerQueueInfo("/topic/p", 2, 1, 1)));
            var gone = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected && e.SessionId == slow.Session);
            slow.Abort();
            await gone;
        }

        await using var back = await RawClient.ConnectAsync(broker.Endpoint);
        await Subscribe(back, "slow", "/topic/p");
        var again = await back.ExpectAsync(StompCommand.Message);

        Assert.That((again.GetBodyText(), again.Headers["redelivered"]), Is.EqualTo(("m1", "true")));
    }
}

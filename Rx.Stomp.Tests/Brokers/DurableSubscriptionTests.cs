using Rx.Stomp.Client;
using Rx.Stomp.Listeners;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// <see cref="SubscribeOptions.Durable"/> and <see cref="StompClient.RemoveDurableSubscriptionAsync"/> on each broker,
/// seen as a user sees them: what is sent to the topic while the client is away (disconnected, or its watch
/// disposed) arrives when it comes back with the same <see cref="StompClientOptions.ClientId"/> and name; once the
/// subscription is removed, nothing sent is kept for it. Every test removes what it made, even when it fails.
/// </summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.Brokers))]
public sealed class DurableSubscriptionTests(Broker broker) : BrokerTest(broker)
{
    /// <summary>Sent as a producer whose messages must outlive a broker restart sends them (the test brokers keep them either way).</summary>
    private static readonly SendOptions Persistent = new() { Receipt = true, Headers = [new("persistent", "true")] };

    [Test]
    public async Task What_is_sent_while_the_client_is_away_arrives_when_it_comes_back_and_nothing_once_it_is_removed()
    {
        var (topic, name, durable) = NewDurable();
        var producer = await ConnectAsync();
        var away = await ConnectAsync(SameClient(name));
        await SubscribedAsync(away, topic, durable);
        await Within(away.DisconnectAsync(), "DisconnectAsync");

        await SendAllAsync(producer, topic, "away 1", "away 2", "away 3");
        var client = await ConnectAsync(SameClient(name));
        try
        {
            var back = await SubscribedAsync(client, topic, durable);
            Assert.That(Bodies(await back.TakeAsync(3, Timeout)), Is.EqualTo(new[] { "away 1", "away 2", "away 3" }));

            await Within(client.RemoveDurableSubscriptionAsync(topic, name), "RemoveDurableSubscriptionAsync");
            await AssertNothingKeptAsync(client, producer, topic, durable);
        }
        finally
        {
            await RemoveAsync(client, topic, name);
        }
    }

    [Test]
    public async Task Disposing_the_watch_only_detaches_and_a_detached_subscription_is_removed_all_the_same()
    {
        var (topic, name, durable) = NewDurable();
        var client = await ConnectAsync(SameClient(name));
        try
        {
            // The UNSUBSCRIBE of the disposal goes out before the SENDs on the same connection: in that order.
            await (await SubscribedAsync(client, topic, durable)).DisposeAsync();
            await SendAllAsync(client, topic, "while detached 1", "while detached 2");
            var back = await SubscribedAsync(client, topic, durable);
            Assert.That(Bodies(await back.TakeAsync(2, Timeout)), Is.EqualTo(new[] { "while detached 1", "while detached 2" }));

            await back.DisposeAsync();
            await Within(client.RemoveDurableSubscriptionAsync(topic, name), "RemoveDurableSubscriptionAsync");
            await AssertNothingKeptAsync(client, client, topic, durable);
        }
        finally
        {
            await RemoveAsync(client, topic, name);
        }
    }

    /// <summary>
    /// Sends to <paramref name="topic"/>, subscribes <paramref name="durable"/> again, and sends a marker: a removed
    /// subscription kept nothing, so the new one's first message is the marker.
    /// </summary>
    private static async Task AssertNothingKeptAsync(StompClient client, StompClient producer, string topic, SubscribeOptions durable)
    {
        await SendAllAsync(producer, topic, "while gone 1", "while gone 2");
        var fresh = await SubscribedAsync(client, topic, durable);
        await SendAllAsync(producer, topic, "marker");

        Assert.That(Bodies(await fresh.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }), "a removed subscription keeps nothing");
    }

    /// <summary>A topic nobody else uses, a durable subscription name, and the options of a watch of it.</summary>
    private static (string Topic, string Name, SubscribeOptions Durable) NewDurable()
    {
        var tag = Guid.NewGuid().ToString("N");
        var name = "rxstomp-test-" + tag;
        return ("/topic/rxstomp-test-durable-" + tag, name, new SubscribeOptions { Durable = new(name) });
    }

    /// <summary>The same client as far as the broker can tell: the client id ActiveMQ keeps the subscription under.</summary>
    private static Func<StompClientOptions, StompClientOptions> SameClient(string name) => o => o with { ClientId = name };

    /// <summary>A watch of <paramref name="topic"/>, recorded from the moment the broker confirmed its SUBSCRIBE.</summary>
    /// <remarks>Disposing the recorder disposes the watch (the client's disposal after the test ends any left).</remarks>
    private static async Task<Recorder<StompMessage>> SubscribedAsync(StompClient client, string topic, SubscribeOptions options)
    {
        var subscribed = client.WaitForSubscriptionAsync(topic);
        var messages = new Recorder<StompMessage>(client.Watch(topic, options));
        await Within(subscribed, "the RECEIPT of SUBSCRIBE");
        return messages;
    }

    private static async Task SendAllAsync(StompClient client, string topic, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await Within(client.SendAsync(topic, body, Persistent), "the RECEIPT of SEND");
        }
    }

    /// <summary>Leaves no durable subscription behind on a shared broker. Best effort: a refusal (none left) is the test's business.</summary>
    private static async Task RemoveAsync(StompClient client, string topic, string name)
    {
        try
        {
            await client.RemoveDurableSubscriptionAsync(topic, name).WaitAsync(Timeout);
        }
        catch (Exception e) when (e is StompException or TimeoutException)
        {
            TestContext.Out.WriteLine($"clean-up: {e.Message}");
        }
    }
}

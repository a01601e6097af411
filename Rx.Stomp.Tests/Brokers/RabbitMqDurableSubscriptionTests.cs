using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;
using Rx.Stomp.Testing;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A durable watch on RabbitMQ is its durable topic subscription (<c>durable:true</c>, <c>auto-delete:false</c>, the
/// name as the id; no client id needed): disposing the watch keeps it, and
/// <see cref="StompClient.RemoveDurableSubscriptionAsync"/> deletes it, also while a watch of it is live (RabbitMQ
/// deletes only a subscription of the connection that asks). Seen as a user sees it: what is sent while away waits
/// for a kept subscription, and not for a removed one.
/// </summary>
[TestFixture]
public sealed class RabbitMqDurableSubscriptionTests() : BrokerTest(Broker.RabbitMq)
{
    [Test]
    public async Task Disposing_a_durable_watch_keeps_the_subscription_and_RemoveDurableSubscriptionAsync_deletes_it_while_a_watch_is_live()
    {
        var tag = Guid.NewGuid().ToString("N");
        var topic = "/topic/rxstomp-test-durable-" + tag;
        var name = "rxstomp-test-" + tag;
        var durable = new SubscribeOptions { Durable = new(name) };
        var client = await ConnectAsync();
        var sent = Record(client.Sent.Where(f => f.Command is StompCommand.Subscribe or StompCommand.Unsubscribe));

        try
        {
            // The UNSUBSCRIBE goes out as the watch is disposed, and the SEND after it on the same connection: in that order.
            await (await SubscribedAsync(client, topic, durable)).DisposeAsync();
            await Within(client.SendAsync(topic, "while away", WithReceipt), "the RECEIPT of SEND");
            var back = await SubscribedAsync(client, topic, durable);
            Assert.That(Bodies(await back.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "while away" }));

            await Within(client.RemoveDurableSubscriptionAsync(topic, name), "RemoveDurableSubscriptionAsync");
            await Within(client.SendAsync(topic, "while gone", WithReceipt), "the RECEIPT of SEND");
            var fresh = await SubscribedAsync(client, topic, durable);
            await Within(client.SendAsync(topic, "marker", WithReceipt), "the RECEIPT of the marker");
            Assert.That(Bodies(await fresh.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }));
        }
        finally
        {
            // Removes the durable queue whatever the test did. Best effort: a refusal is the test's business.
            try
            {
                await client.RemoveDurableSubscriptionAsync(topic, name).WaitAsync(Timeout);
            }
            catch (Exception e) when (e is StompException or TimeoutException)
            {
                TestContext.Out.WriteLine($"clean-up: {e.Message}");
            }
        }

        var frames = sent.Items.Select(f => $"{f.Command.ToWire()} {Shape(f)}").ToList();
        Assert.That(frames[0], Is.EqualTo($"SUBSCRIBE destination:{topic} id:{name} ack:auto durable:true auto-delete:false"));
        Assert.That(frames[1], Is.EqualTo($"UNSUBSCRIBE id:{name}"), "disposal only detaches");
        Assert.That(frames[3..6], Is.EqualTo(new[]
        {
            $"UNSUBSCRIBE id:{name}",
            $"SUBSCRIBE destination:{topic} id:{name} ack:client prefetch-count:1 durable:true auto-delete:false",
            $"UNSUBSCRIBE id:{name} durable:true persistent:true",
        }), "the removal: the live watch ends, then the subscription is attached and deleted");
    }

    /// <summary>A watch of <paramref name="topic"/>, recorded from the moment RabbitMQ confirmed its SUBSCRIBE.</summary>
    /// <remarks>Disposing the recorder disposes the watch (the client's disposal after the test ends any left).</remarks>
    private static async Task<Recorder<StompMessage>> SubscribedAsync(StompClient client, string topic, SubscribeOptions options)
    {
        var subscribed = client.WaitForSubscriptionAsync(topic);
        var messages = new Recorder<StompMessage>(client.Watch(topic, options));
        await Within(subscribed, "the RECEIPT of SUBSCRIBE");
        return messages;
    }

    /// <summary>A frame's headers in order, but its <c>receipt</c>.</summary>
    private static string Shape(Frame frame) => string.Join(' ', frame.Headers.Remove(StompHeaderNames.Receipt).Select(h => $"{h.Key}:{h.Value}"));
}

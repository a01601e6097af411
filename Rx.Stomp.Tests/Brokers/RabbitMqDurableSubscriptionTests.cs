using Rx.Stomp.Client;
using Rx.Stomp.Listeners;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A RabbitMQ durable topic subscription (<c>durable:true</c>, <c>auto-delete:false</c>) is removed by the UNSUBSCRIBE
/// that disposing its watch sends with the options' <see cref="SubscribeOptions.UnsubscribeHeaders"/>
/// (<c>durable:true</c>); a plain one keeps it. Seen as a user sees it: what is sent while away waits for a kept
/// subscription, and not for a removed one.
/// </summary>
[TestFixture]
public sealed class RabbitMqDurableSubscriptionTests() : BrokerTest(Broker.RabbitMq)
{
    [Test]
    public async Task Disposing_a_watch_with_durable_true_among_its_UNSUBSCRIBE_headers_removes_the_durable_subscription()
    {
        var tag = Guid.NewGuid().ToString("N");
        var topic = "/topic/rxstomp-test-durable-" + tag;
        var kept = new SubscribeOptions { Id = "durable-" + tag, Headers = [new("durable", "true"), new("auto-delete", "false")] };
        var removed = kept with { UnsubscribeHeaders = [new("durable", "true")] };
        var client = await ConnectAsync();

        try
        {
            // The UNSUBSCRIBE goes out as the watch is disposed, and the SEND after it on the same connection: in that order.
            await (await SubscribedAsync(client, topic, kept)).DisposeAsync();
            await Within(client.SendAsync(topic, "while away", WithReceipt), "the RECEIPT of SEND");
            var back = await SubscribedAsync(client, topic, removed);
            Assert.That(Bodies(await back.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "while away" }));

            await back.DisposeAsync();
            await Within(client.SendAsync(topic, "while gone", WithReceipt), "the RECEIPT of SEND");
            var fresh = await SubscribedAsync(client, topic, removed);
            await Within(client.SendAsync(topic, "marker", WithReceipt), "the RECEIPT of the marker");
            Assert.That(Bodies(await fresh.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }));
        }
        finally
        {
            // Removes the durable queue (RabbitMQ names it after the id) whatever the test did: the watch's own
            // UnsubscribeHeaders when it lives. Best effort: a refusal (no such subscription) is the test's business.
            try
            {
                await client.UnsubscribeAsync(removed.Id!, removed.UnsubscribeHeaders).WaitAsync(Timeout);
            }
            catch (Exception e) when (e is StompException or TimeoutException)
            {
                TestContext.Out.WriteLine($"clean-up: {e.Message}");
            }
        }
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
}

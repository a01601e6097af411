using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// An ActiveMQ durable topic subscription (<c>activemq.subscriptionName</c> on SUBSCRIBE, a <c>client-id</c> on
/// CONNECT) removed as stomp.py users remove it: UNSUBSCRIBE with the same header, awaited through its RECEIPT.
/// ActiveMQ removes a durable subscription only while nobody consumes from it, so the watch ends first (a plain
/// UNSUBSCRIBE, which keeps the subscription), then the UNSUBSCRIBE with the header removes it. Whether it is gone is
/// seen the way a user sees it: a message sent while away waits for a kept subscription, and not for a removed one.
/// </summary>
[TestFixture]
public sealed class ActiveMqDurableSubscriptionTests() : BrokerTest(Broker.ActiveMq)
{
    private static readonly SendOptions Persistent = new() { Receipt = true, Headers = [new("persistent", "true")] };

    [Test]
    public async Task A_durable_subscription_is_removed_by_UNSUBSCRIBE_with_its_activemq_subscriptionName()
    {
        var (client, topic, durable, name) = await DurableAsync();
        try
        {
            await SubscribedAsync(client, topic, durable);

            // Ended with a plain UNSUBSCRIBE: ActiveMQ keeps the subscription, and keeps what is sent meanwhile for it.
            await Within(client.UnsubscribeAsync(durable.Id!), "the RECEIPT of UNSUBSCRIBE");
            await Within(client.SendAsync(topic, "while away", Persistent), "the RECEIPT of SEND");
            var back = await SubscribedAsync(client, topic, durable);
            Assert.That(Bodies(await back.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "while away" }));

            await Within(client.UnsubscribeAsync(durable.Id!), "the RECEIPT of UNSUBSCRIBE");
            await Within(client.UnsubscribeAsync(durable.Id!, name), "the RECEIPT of UNSUBSCRIBE with activemq.subscriptionName");

            // Removed: nothing waits for it any more. Subscribing again makes a new, empty one, where the marker comes first.
            await Within(client.SendAsync(topic, "while gone", Persistent), "the RECEIPT of SEND");
            var fresh = await SubscribedAsync(client, topic, durable);
            await Within(client.SendAsync(topic, "marker", Persistent), "the RECEIPT of the marker");
            Assert.That(Bodies(await fresh.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }));
        }
        finally
        {
            await RemoveAsync(client, durable.Id!, name);
        }
    }

    [Test]
    public async Task ActiveMQ_refuses_to_remove_a_durable_subscription_in_use_and_UnsubscribeAsync_says_so()
    {
        var (client, topic, durable, name) = await DurableAsync();
        try
        {
            await SubscribedAsync(client, topic, durable);

            var refused = Assert.ThrowsAsync<StompErrorException>(() => client.UnsubscribeAsync(durable.Id!, name).WaitAsync(Timeout));

            Assert.That(refused!.BrokerMessage, Does.Contain("in use"));
        }
        finally
        {
            // The watch has ended; ActiveMQ still has its consumer, which a plain UNSUBSCRIBE of the id removes.
            await RemoveAsync(client, durable.Id!, name);
        }
    }

    /// <summary>A client with a <c>client-id</c> of its own, a topic, durable subscription options for it, and the header that names it.</summary>
    private async Task<(StompClient Client, string Topic, SubscribeOptions Durable, StompHeaders Name)> DurableAsync()
    {
        var tag = Guid.NewGuid().ToString("N");
        var client = await ConnectAsync(o => o with { ConnectHeaders = [new("client-id", "rxstomp-test-" + tag)] });
        StompHeaders name = [new("activemq.subscriptionName", "rxstomp-test-" + tag)];
        return (client, "/topic/rxstomp-test-durable-" + tag, new SubscribeOptions { Id = "durable-" + tag, Headers = name }, name);
    }

    /// <summary>A watch of <paramref name="topic"/>, recorded from the moment the broker confirmed its SUBSCRIBE.</summary>
    private async Task<Recorder<StompMessage>> SubscribedAsync(StompClient client, string topic, SubscribeOptions options)
    {
        var subscribed = client.WaitForSubscriptionAsync(topic);
        var watch = Record(client.Watch(topic, options));
        await Within(subscribed, "the RECEIPT of SUBSCRIBE");
        return watch;
    }

    /// <summary>
    /// Leaves no durable subscription behind on the shared broker, whatever the test did: stops consuming, then removes
    /// it. Best effort: a refusal (nothing left to remove) is the test's business, not the clean-up's.
    /// </summary>
    private static async Task RemoveAsync(StompClient client, string id, StompHeaders name)
    {
        foreach (var headers in new[] { StompHeaders.Empty, name })
        {
            try
            {
                await client.UnsubscribeAsync(id, headers).WaitAsync(Timeout);
            }
            catch (Exception e) when (e is StompException or TimeoutException)
            {
                TestContext.Out.WriteLine($"clean-up: {e.Message}");
            }
        }
    }
}

using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;
using Rx.Stomp.Testing;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A durable watch on ActiveMQ is its durable topic subscription (<c>activemq.subscriptionName</c> on SUBSCRIBE, the
/// <see cref="StompClientOptions.ClientId"/> as <c>client-id</c> on CONNECT). ActiveMQ removes one only while nobody
/// consumes from it, so <see cref="StompClient.RemoveDurableSubscriptionAsync"/> ends a live watch first (a plain
/// UNSUBSCRIBE, which keeps the subscription), then removes it with an UNSUBSCRIBE naming it. Whether it is gone is
/// seen the way a user sees it: a message sent while away waits for a kept subscription, and not for a removed one.
/// </summary>
[TestFixture]
public sealed class ActiveMqDurableSubscriptionTests() : BrokerTest(Broker.ActiveMq)
{
    private static readonly SendOptions Persistent = new() { Receipt = true, Headers = [new("persistent", "true")] };

    [Test]
    public async Task A_durable_subscription_is_kept_while_no_watch_consumes_and_RemoveDurableSubscriptionAsync_removes_it_while_one_does()
    {
        var (client, topic, durable, name, sent) = await DurableAsync();
        try
        {
            await SubscribedAsync(client, topic, durable);

            // Ended with a plain UNSUBSCRIBE: ActiveMQ keeps the subscription, and keeps what is sent meanwhile for it.
            await Within(client.UnsubscribeAsync(name), "the RECEIPT of UNSUBSCRIBE");
            await Within(client.SendAsync(topic, "while away", Persistent), "the RECEIPT of SEND");
            var back = await SubscribedAsync(client, topic, durable);
            Assert.That(Bodies(await back.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "while away" }));

            await Within(client.RemoveDurableSubscriptionAsync(topic, name), "RemoveDurableSubscriptionAsync");

            // Removed: nothing waits for it any more. Subscribing again makes a new, empty one, where the marker comes first.
            await Within(client.SendAsync(topic, "while gone", Persistent), "the RECEIPT of SEND");
            var fresh = await SubscribedAsync(client, topic, durable);
            await Within(client.SendAsync(topic, "marker", Persistent), "the RECEIPT of the marker");
            Assert.That(Bodies(await fresh.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }));
        }
        finally
        {
            await RemoveAsync(client, topic, name);
        }

        var connect = sent.Items.First(f => f.Command == StompCommand.Connect);
        var subscribe = sent.Items.First(f => f.Command == StompCommand.Subscribe);
        Assert.That((connect.Headers["client-id"], subscribe.Headers["activemq.subscriptionName"]), Is.EqualTo((name, name)));
    }

    [Test]
    public async Task ActiveMQ_refuses_to_remove_a_durable_subscription_in_use_so_RemoveDurableSubscriptionAsync_ends_the_watch_first()
    {
        var (client, topic, durable, name, _) = await DurableAsync();
        try
        {
            await SubscribedAsync(client, topic, durable);
            var ended = client.WatchStates.WhenAsync(s => s.Id == name && s.IsFinal);

            // By hand, under another id: the live watch is left alone, and ActiveMQ refuses.
            var byHand = new Frame(StompCommand.Unsubscribe, StompHeaders.Create(("id", "by-hand"), ("activemq.subscriptionName", name)));
            var refused = Assert.ThrowsAsync<StompErrorException>(() => client.SendFrameAsync(byHand, receipt: true).WaitAsync(Timeout));
            Assert.That(refused!.BrokerMessage, Does.Contain("in use"));

            await Within(client.RemoveDurableSubscriptionAsync(topic, name), "RemoveDurableSubscriptionAsync");
            Assert.That((await Within(ended, "the end of the watch")).Kind, Is.EqualTo(WatchStateKind.Unsubscribed));
        }
        finally
        {
            await RemoveAsync(client, topic, name);
        }
    }

    /// <summary>
    /// A client with a client id of its own, connected; a topic, and durable subscription options for it, with their
    /// name; and every frame the client sent, CONNECT included.
    /// </summary>
    private async Task<(StompClient Client, string Topic, SubscribeOptions Durable, string Name, Recorder<Frame> Sent)> DurableAsync()
    {
        var tag = Guid.NewGuid().ToString("N");
        var name = "rxstomp-test-" + tag;
        var client = NewClient(o => o with { ClientId = name });
        var sent = Record(client.Sent);
        await Within(client.ConnectAsync(), "CONNECTED");
        return (client, "/topic/rxstomp-test-durable-" + tag, new SubscribeOptions { Durable = new(name) }, name, sent);
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
    /// Leaves no durable subscription behind on the shared broker, whatever the test did. Best effort: a refusal
    /// (nothing left to remove) is the test's business, not the clean-up's.
    /// </summary>
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

using System.Collections.Concurrent;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Testing;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// Two <c>Subscribe()</c>s of one <see cref="StompClient.Watch"/> are two broker subscriptions, which split a queue;
/// <see cref="StompClient.SharedWatch"/> is one, reference-counted, that starts again after the last subscriber left
/// or after it ended in error. Counted on the embedded broker.
/// </summary>
public class SharedWatchTests
{
    private const string Queue = "/queue/shared";

    [Test]
    public async Task Two_subscribers_of_a_plain_watch_are_two_broker_subscriptions_that_split_a_queue()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var watch = client.Watch(Queue);
        var (first, second) = (new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>());
        using var a = await broker.SubscribedAsync(Queue, watch, first);
        using var b = await broker.SubscribedAsync(Queue, watch, second);

        await SendAsync(client, "1", "2");

        Assert.That(broker.SubscriptionCount, Is.EqualTo(2));
        Assert.That(new[] { await first.WhenAsync(_ => true), await second.WhenAsync(_ => true) }.Select(m => m.GetBodyText()), Is.EquivalentTo(new[] { "1", "2" }),
            "each message went to one of them");
    }

    [Test]
    public async Task Subscribers_of_a_shared_watch_share_one_broker_subscription_and_each_gets_every_message()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var shared = client.SharedWatch(Queue);
        var (first, second) = (new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>());
        using var a = await broker.SubscribedAsync(Queue, shared, first);
        using var b = shared.Subscribe(second);

        await SendAsync(client, "1", "2");

        Assert.That(broker.SubscriptionCount, Is.EqualTo(1));
        Assert.That(Bodies(await first.TakeAsync(2)), Is.EqualTo(new[] { "1", "2" }));
        Assert.That(Bodies(await second.TakeAsync(2)), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task The_last_subscriber_leaving_unsubscribes_and_the_next_one_subscribes_again()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var shared = client.SharedWatch(Queue);
        var (first, second, third) = (new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>());
        var a = await broker.SubscribedAsync(Queue, shared, first);
        var b = shared.Subscribe(second);

        a.Dispose();
        await SendAsync(client, "to the one left");
        Assert.That((await second.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("to the one left"));
        Assert.That(broker.SubscriptionCount, Is.EqualTo(1), "one subscriber left: the subscription stays");

        var unsubscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Unsubscribed && e.Destination == Queue);
        b.Dispose();
        await unsubscribed;
        Assert.That(broker.SubscriptionCount, Is.Zero);

        using var c = await broker.SubscribedAsync(Queue, shared, third);
        await SendAsync(client, "to the newcomer");
        Assert.That((await third.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("to the newcomer"));
    }

    [Test]
    public async Task After_the_shared_subscription_ended_in_error_the_next_subscriber_starts_a_new_one()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = new StompClient(Embedded.Options(broker));
        // The first SUBSCRIBE cannot be built: the watch ends in error without the broker, as a refused one would.
        var attempts = 0;
        var shared = client.SharedWatch(Queue, new SubscribeOptions
        {
            HeadersFactory = () => Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("no headers yet") : StompHeaders.Empty,
        });
        var (first, second, third) = (new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>());
        var a = shared.Subscribe(first);
        var b = shared.Subscribe(second);

        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(await ErrorAsync(first), Is.InstanceOf<InvalidOperationException>().With.Message.EqualTo("no headers yet"));
        Assert.That(await ErrorAsync(second), Is.InstanceOf<InvalidOperationException>().With.Message.EqualTo("no headers yet"), "every subscriber hears the end");
        using var c = await broker.SubscribedAsync(Queue, shared, third);
        await SendAsync(client, "after the error");
        Assert.That((await third.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("after the error"), "not the old error, as Publish().RefCount() would give");
        Assert.That(attempts, Is.EqualTo(2));

        // The ended subscription's subscribers leaving now is no end of the new one: a newcomer joins it.
        a.Dispose();
        b.Dispose();
        var fourth = new ReplaySubject<StompMessage>();
        using var d = shared.Subscribe(fourth);
        await SendAsync(client, "to both");
        Assert.That((await third.TakeAsync(2))[1].GetBodyText(), Is.EqualTo("to both"));
        Assert.That((await fourth.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("to both"));
        Assert.That((broker.SubscriptionCount, attempts), Is.EqualTo((1, 2)), "still the one SUBSCRIBE made after the error");
    }

    [Test]
    public async Task A_subscriber_who_left_hears_nothing_more_and_a_newcomer_joins_the_subscription_the_others_still_hold()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var shared = client.SharedWatch(Queue);
        var heardAfterLeaving = new ConcurrentQueue<string>();
        var (second, third) = (new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>());
        var a = await broker.SubscribedAsync(Queue, shared, Observer.Create<StompMessage>(m => heardAfterLeaving.Enqueue(m.GetBodyText())));
        using var b = shared.Subscribe(second);

        a.Dispose();
        using var c = shared.Subscribe(third);
        await SendAsync(client, "1");

        // Subscribers are called in the order they came, on one reader: the one that left would have been called first.
        Assert.That((await third.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("1"));
        Assert.That((await second.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("1"));
        Assert.That(heardAfterLeaving, Is.Empty);
        Assert.That(broker.SubscriptionCount, Is.EqualTo(1), "the newcomer joined the subscription the other subscriber still held");
    }

    [Test]
    public async Task When_the_shared_subscription_is_unsubscribed_by_id_every_subscriber_completes_and_the_next_one_subscribes_again()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var shared = client.SharedWatch(Queue, new SubscribeOptions { Id = "shared-1" });
        var (first, second, third) = (new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>(), new ReplaySubject<StompMessage>());
        using var a = await broker.SubscribedAsync(Queue, shared, first);
        using var b = shared.Subscribe(second);

        await client.UnsubscribeAsync("shared-1").WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((await first.Materialize().LastAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(NotificationKind.OnCompleted));
        Assert.That((await second.Materialize().LastAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(NotificationKind.OnCompleted), "every subscriber hears the end");
        using var c = await broker.SubscribedAsync(Queue, shared, third);
        await SendAsync(client, "after the end");
        Assert.That((await third.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("after the end"), "a new subscription, not the old end");
    }

    private static async Task SendAsync(StompClient client, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await client.SendAsync(Queue, body, new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout);
        }
    }

    private static IEnumerable<string> Bodies(IEnumerable<StompMessage> messages) => messages.Select(m => m.GetBodyText());

    private static async Task<Exception> ErrorAsync(IObservable<StompMessage> stream)
    {
        try
        {
            await stream.WhenAsync(_ => false);
        }
#pragma warning disable CA1031 // The error is what the test looks for.
        catch (Exception e) when (e is not TimeoutException)
#pragma warning restore CA1031
        {
            return e;
        }

        throw new AssertionException("the stream ended without an error");
    }
}

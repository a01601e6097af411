using System.Reactive.Linq;
using System.Reactive.Subjects;
using Rx.Stomp.Client;
using Rx.Stomp.Testing;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// <see cref="SubscribeOptions.Prefetch"/> on each broker, seen as a user sees it: a consumer in a client ack mode holds
/// at most that many unacknowledged messages and the broker keeps the rest, so a slow consumer costs the client
/// bounded memory. What the broker held back is shown by a second consumer with no window, which gets exactly the rest.
/// </summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.Brokers))]
public sealed class PrefetchTests(Broker broker) : BrokerTest(broker)
{
    [Test]
    public async Task A_consumer_that_does_not_ack_holds_exactly_Prefetch_messages_and_an_ack_lets_exactly_one_more_in()
    {
        const int window = 5, sent = 60;
        var queue = NewQueue("prefetch");
        var producer = await ConnectAsync();
        await SendNumberedAsync(producer, queue, sent, "m");
        // Which consumer got each message, in one sequence for both.
        var arrivals = Subject.Synchronize(new ReplaySubject<(string Consumer, string Body)>());

        var consumer = await ConnectAsync();
        var held = Record(consumer.Watch(queue, new SubscribeOptions { Ack = AckMode.ClientIndividual, Prefetch = window })
            .Do(m => arrivals.OnNext(("held", m.GetBodyText()))));
        var first = await held.TakeAsync(window, Timeout);
        await Within(first[0].AckAsync(receipt: true), "the RECEIPT of ACK");
        await held.TakeAsync(window + 1, Timeout);

        // The window is full again: whatever the broker still has goes to a consumer without one.
        var other = await ConnectAsync();
        Record(other.Watch(queue).Do(m => arrivals.OnNext(("rest", m.GetBodyText()))));
        var all = await Within(arrivals.Take(sent).ToList().WhenAsync(_ => true), $"all {sent} messages, between the two consumers");

        Assert.That(all.Count(a => a.Consumer == "held"), Is.EqualTo(window + 1), "the window, and one more for the one ACK");
        Assert.That(all.Count(a => a.Consumer == "rest"), Is.EqualTo(sent - window - 1), "the broker held back the rest");
        Assert.That(all.Select(a => a.Body), Is.EquivalentTo(Enumerable.Range(0, sent).Select(i => $"m{i}")));
    }

    [Test]
    public async Task A_slow_consumer_with_a_window_holds_that_many_messages_where_one_without_holds_them_all()
    {
        // 200: ActiveMQ pages a queue in 200 messages at a time, so even without a window it hands over no more
        // unacknowledged ones than that (measured); RabbitMQ and the embedded broker hand over everything.
        const int window = 10, sent = 200, size = 64 * 1024;

        var without = await SlowConsumerAsync(prefetch: null, sent, size);
        var with = await SlowConsumerAsync(prefetch: window, sent, size);

        TestContext.Out.WriteLine($"{Broker}: {sent} messages of {size / 1024} KiB to a slow consumer (client-individual, acked once processed):");
        TestContext.Out.WriteLine($"  no Prefetch:  {without.Held} messages held by the client, GC heap +{without.HeapGrowth / 1024} KiB while held");
        TestContext.Out.WriteLine($"  Prefetch {window}: {with.Held} messages held by the client, GC heap +{with.HeapGrowth / 1024} KiB while held");
        Assert.That(with.Held, Is.EqualTo(window), "the broker keeps all but the window");
        Assert.That(without.Held, Is.EqualTo(sent), "without a window the broker pushes everything, and the client holds it");
        // The heap also holds what the clients' buffers and pools keep, which varies by a few MiB: hence the margin.
        Assert.That(with.HeapGrowth, Is.LessThan(without.HeapGrowth / 3), "the heap grows with what is held");
    }

    /// <summary>
    /// Sends <paramref name="sent"/> messages of <paramref name="size"/> bytes to a queue, then consumes them the way
    /// the README's tour does (<c>Select(FromAsync).Concat()</c>: one at a time, acknowledged once processed) but
    /// processes none until the broker has handed over all it is going to: with a window, once a second consumer
    /// without one has taken the rest. Returns how many messages the slow consumer was handed meanwhile, and how much the
    /// GC heap (after full collections) grew while it held them.
    /// </summary>
    private async Task<(int Held, long HeapGrowth)> SlowConsumerAsync(int? prefetch, int sent, int size)
    {
        var queue = NewQueue("slow");
        var producer = await ConnectAsync();
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        for (var i = 0; i < sent; i++)
        {
            await Within(producer.SendAsync(queue, body, WithReceipt), "the RECEIPT of SEND");
        }

        var consumer = await ConnectAsync();
        var arrivals = Subject.Synchronize(new ReplaySubject<string>());
        var acknowledged = 0;
        var acks = new ReplaySubject<int>();
        var permits = new SemaphoreSlim(0);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var work = Record(consumer.Watch(queue, new SubscribeOptions { Ack = AckMode.ClientIndividual, Prefetch = prefetch })
            .Do(_ => arrivals.OnNext("slow"))
            .Select(m => Observable.FromAsync(async ct =>
            {
                await permits.WaitAsync(ct);
                await m.AckAsync(cancellationToken: ct);
                acks.OnNext(Interlocked.Increment(ref acknowledged));
            }))
            .Concat());

        await Within(arrivals.Take(prefetch ?? sent).Count().WhenAsync(_ => true), "the slow consumer's first messages");
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        if (prefetch is not null)
        {
            var other = await ConnectAsync();
            Record(other.Watch(queue).Do(_ => arrivals.OnNext("rest")));
        }

        var all = await Within(arrivals.Take(sent).ToList().WhenAsync(_ => true), $"all {sent} messages handed over");
        var held = all.Count(a => a == "slow");
        permits.Release(sent);
        await Within(acks.WhenAsync(n => n == held), "the slow consumer's messages processed and acknowledged");
        await work.DisposeAsync();
        return (held, heap - baseline);
    }

    private static async Task SendNumberedAsync(StompClient client, string queue, int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            await Within(client.SendAsync(queue, prefix + i, WithReceipt), "the RECEIPT of SEND");
        }
    }
}

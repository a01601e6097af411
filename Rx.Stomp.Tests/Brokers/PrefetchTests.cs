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
    public async Task A_slow_consumer_with_a_window_holds_at_most_that_many_messages_where_one_without_holds_them_all()
    {
        // 200: ActiveMQ pages a queue in 200 messages at a time, so even without a window it hands over no more
        // unacknowledged ones than that (measured); RabbitMQ and the embedded broker hand over everything.
        const int window = 10, sent = 200, size = 64 * 1024;

        var without = await SlowConsumerAsync(prefetch: null, sent, size);
        var with = await SlowConsumerAsync(prefetch: window, sent, size);

        TestContext.Out.WriteLine($"{Broker}: {sent} messages of {size / 1024} KiB to a slow consumer (client-individual, acked once processed):");
        TestContext.Out.WriteLine($"  no Prefetch:  at most {without.MostHeld} messages held by the client, GC heap +{without.HeapGrowth / 1024} KiB while held");
        TestContext.Out.WriteLine($"  Prefetch {window}: at most {with.MostHeld} messages held by the client, GC heap +{with.HeapGrowth / 1024} KiB while held");
        Assert.That(with.MostHeld, Is.EqualTo(window), "the broker keeps all but the window");
        Assert.That(without.MostHeld, Is.EqualTo(sent), "without a window the broker pushes everything, and the client holds it");
        // The heap also holds what the clients' buffers and pools keep, which varies by a few MiB: hence the margin.
        Assert.That(with.HeapGrowth, Is.LessThan(without.HeapGrowth / 3), "the heap grows with what is held");
    }

    /// <summary>
    /// Sends <paramref name="sent"/> messages of <paramref name="size"/> bytes, then consumes them the way the README's
    /// tour does (<c>Select(FromAsync).Concat()</c>: one at a time, acknowledged once processed), processing none until
    /// the client holds all it is going to be given; returns the most messages it held unprocessed at once, and how much
    /// the GC heap grew (after full collections) while it held them.
    /// </summary>
    private async Task<(int MostHeld, long HeapGrowth)> SlowConsumerAsync(int? prefetch, int sent, int size)
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
        var expected = prefetch ?? sent;
        var (received, processed, acknowledged, mostHeld) = (0, 0, 0, 0);
        var peak = Subject.Synchronize(new ReplaySubject<int>());
        var done = new ReplaySubject<int>();
        var permits = new SemaphoreSlim(0);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var work = Record(consumer.Watch(queue, new SubscribeOptions { Ack = AckMode.ClientIndividual, Prefetch = prefetch })
            .Do(_ =>
            {
                // On the client's reader: a message the broker handed over, not yet processed.
                var now = Interlocked.Increment(ref received);
                mostHeld = Math.Max(mostHeld, now - Volatile.Read(ref processed));
                if (now == expected)
                {
                    peak.OnNext(now);
                }
            })
            .Select(m => Observable.FromAsync(async ct =>
            {
                await permits.WaitAsync(ct);
                // Counted before the ACK, which may bring the next message at once.
                Interlocked.Increment(ref processed);
                await m.AckAsync(cancellationToken: ct);
                if (Interlocked.Increment(ref acknowledged) == sent)
                {
                    done.OnNext(sent);
                }
            }))
            .Concat());

        await Within(peak.WhenAsync(_ => true), $"{expected} messages held by the slow consumer");
        var held = GC.GetTotalMemory(forceFullCollection: true);
        permits.Release(sent);
        await Within(done.WhenAsync(_ => true), $"all {sent} messages processed and acknowledged");
        await work.DisposeAsync();
        return (mostHeld, held - baseline);
    }

    private static async Task SendNumberedAsync(StompClient client, string queue, int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            await Within(client.SendAsync(queue, prefix + i, WithReceipt), "the RECEIPT of SEND");
        }
    }
}

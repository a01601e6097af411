using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>Which thread calls OnNext: the read loop by default, the chosen scheduler with <see cref="StompClientOptions.DeliveryScheduler"/>.</summary>
public class DeliverySchedulerTests
{
    [Test]
    public async Task By_default_watches_and_streams_are_called_on_the_read_loop_not_the_callers_thread()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var threads = new System.Collections.Concurrent.ConcurrentBag<int>();
        var received = client.Messages.Do(_ => threads.Add(Environment.CurrentManagedThreadId)).WhenAsync(_ => true);
        using var watch = await broker.SubscribedAsync("/queue/t", client.Watch("/queue/t"), System.Reactive.Observer.Create<StompMessage>(_ => threads.Add(Environment.CurrentManagedThreadId)));

        await client.SendAsync("/queue/t", "x");
        await received;

        Assert.That(threads.Distinct().Count(), Is.EqualTo(1), "the watch and Messages are called on the same thread: the read loop");
    }

    [Test]
    public async Task With_a_delivery_scheduler_every_stream_and_watch_is_called_on_it_in_order()
    {
        await using var broker = await StompBroker.StartAsync();
        using var loop = new EventLoopScheduler(start => new Thread(start) { Name = "ui", IsBackground = true });
        await using var client = await Embedded.ConnectAsync(broker, o => o with { DeliveryScheduler = loop });
        var threadNames = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        var bodies = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var watched = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        var all = client.Messages.Select(m => { threadNames.Enqueue(Thread.CurrentThread.Name); return m; }).TakeAsync(50);
        var receipts = client.Receipts.Do(_ => threadNames.Enqueue(Thread.CurrentThread.Name)).WhenAsync(_ => true);
        using var watch = await broker.SubscribedAsync("/queue/t", client.Watch("/queue/t").Do(m => { threadNames.Enqueue(Thread.CurrentThread.Name); bodies.Enqueue(m.GetBodyText()); }), watched);

        for (var i = 0; i < 50; i++)
        {
            await client.SendAsync("/queue/t", i.ToString(System.Globalization.CultureInfo.InvariantCulture), new SendOptions { Receipt = i == 49 });
        }

        await all;
        await receipts;
        await watched.TakeAsync(50);

        Assert.That(threadNames.Distinct(), Is.EqualTo(new[] { "ui" }));
        Assert.That(bodies, Is.EqualTo(Enumerable.Range(0, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Test]
    public async Task An_observer_that_throws_on_the_delivery_scheduler_is_reported_and_delivery_goes_on()
    {
        await using var broker = await StompBroker.StartAsync();
        using var loop = new EventLoopScheduler();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { DeliveryScheduler = loop });
        var reported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Observer);
        var second = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        using var throwing = client.Messages.Subscribe(new ThrowingObserver());
        using var watch = await broker.SubscribedAsync("/queue/t", client.Watch("/queue/t"), second);

        await client.SendAsync("/queue/t", "1");
        await client.SendAsync("/queue/t", "2");

        Assert.That((await reported).Exception.Message, Is.EqualTo("observer fault"));
        Assert.That((await second.TakeAsync(2)).Select(m => m.GetBodyText()), Is.EqualTo(new[] { "1", "2" }));
    }

    private sealed class ThrowingObserver : IObserver<StompMessage>
    {
        public void OnNext(StompMessage value) => throw new InvalidOperationException("observer fault");

        public void OnError(Exception error) { }

        public void OnCompleted() { }
    }
}

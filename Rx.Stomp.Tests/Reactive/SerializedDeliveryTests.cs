using System.Reactive;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class SerializedDeliveryTests : ReactiveTest
{
    private static readonly Exception Bug = new InvalidOperationException("observer bug");

    [Test]
    public void Passes_values_and_the_end_through_in_order()
    {
        var scheduler = new TestScheduler();
        var source = new RawSource<int>();
        var observer = scheduler.CreateObserver<int>();
        new SerializedDelivery<int>(source, _ => { }).Subscribe(observer);

        source.Observer.OnNext(1);
        scheduler.AdvanceTo(10);
        source.Observer.OnNext(2);
        source.Observer.OnError(Bug);

        Marbles.AssertMessages(observer.Messages, OnNext(0, 1), OnNext(10, 2), OnError<int>(10, Bug));
    }

    [Test]
    public void Nothing_reaches_the_observer_after_the_end()
    {
        var scheduler = new TestScheduler();
        var source = new RawSource<int>();
        var observer = scheduler.CreateObserver<int>();
        new SerializedDelivery<int>(source, _ => { }).Subscribe(observer);

        source.Observer.OnCompleted();
        source.Observer.OnNext(1);
        source.Observer.OnError(Bug);
        source.Observer.OnCompleted();

        Marbles.AssertMessages(observer.Messages, OnCompleted<int>(0));
    }

    [Test]
    public void A_throwing_observer_is_reported_and_stays_subscribed()
    {
        var faults = new List<Exception>();
        var source = new RawSource<int>();
        var values = new List<int>();
        new SerializedDelivery<int>(source, faults.Add).Subscribe(Observer.Create<int>(v => { if (v == 1) throw Bug; values.Add(v); }, () => throw Bug));

        source.Observer.OnNext(1);
        source.Observer.OnNext(2);
        source.Observer.OnCompleted();

        Assert.That((values.Single(), faults.Count), Is.EqualTo((2, 2)));
        Assert.That(faults, Is.All.SameAs(Bug));
    }

    [Test]
    public void An_end_from_inside_a_call_comes_after_the_call()
    {
        var source = new RawSource<int>();
        var log = new List<string>();
        new SerializedDelivery<int>(source, _ => { }).Subscribe(Observer.Create<int>(
            v =>
            {
                source.Observer.OnCompleted();
                log.Add($"value {v} delivered");
            },
            () => log.Add("completed")));

        source.Observer.OnNext(1);

        Assert.That(log, Is.EqualTo(new[] { "value 1 delivered", "completed" }));
    }

    [Test]
    public void An_end_from_another_thread_does_not_wait_for_the_call_under_way_nor_overlap_it()
    {
        var source = new RawSource<int>();
        var log = new List<string>();
        new SerializedDelivery<int>(source, _ => { }).Subscribe(Observer.Create<int>(
            v =>
            {
                Task.Run(() => source.Observer.OnError(Bug)).GetAwaiter().GetResult();
                lock (log)
                {
                    log.Add($"value {v} delivered");
                }
            },
            e =>
            {
                lock (log)
                {
                    log.Add($"failed: {e.Message}");
                }
            }));

        source.Observer.OnNext(1);

        Assert.That(log, Is.EqualTo(new[] { "value 1 delivered", "failed: observer bug" }));
    }

    [Test]
    public void Rejects_a_null_observer() =>
        Assert.That(() => new SerializedDelivery<int>(new RawSource<int>(), _ => { }).Subscribe(null!), Throws.ArgumentNullException);

    /// <summary>A source that calls its observer however the test likes, grammar or not, as two readers may.</summary>
    private sealed class RawSource<T> : IObservable<T>
    {
        public IObserver<T> Observer { get; private set; } = null!;

        public IDisposable Subscribe(IObserver<T> observer)
        {
            Observer = observer;
            return System.Reactive.Disposables.Disposable.Empty;
        }
    }
}

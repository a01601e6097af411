using System.Reactive;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class ScheduledDeliveryTests : ReactiveTest
{
    private static readonly Exception Bug = new InvalidOperationException("observer bug");

    [Test]
    public void Delivers_on_the_scheduler_in_order()
    {
        var scheduler = new TestScheduler();
        var source = new Subject<int>();
        var observer = scheduler.CreateObserver<int>();
        new ScheduledDelivery<int>(source, scheduler, _ => { }).Subscribe(observer);

        source.OnNext(1);
        source.OnNext(2);
        source.OnCompleted();
        var beforeTheScheduler = observer.Messages.Count;
        scheduler.AdvanceTo(10);

        Assert.That(beforeTheScheduler, Is.Zero);
        Marbles.AssertMessages(observer.Messages, OnNext(1, 1), OnNext(2, 2), OnCompleted<int>(3));
    }

    [Test]
    public void An_error_reaches_the_observer_on_the_scheduler()
    {
        var scheduler = new TestScheduler();
        var source = new Subject<int>();
        var observer = scheduler.CreateObserver<int>();
        new ScheduledDelivery<int>(source, scheduler, _ => { }).Subscribe(observer);

        scheduler.AdvanceTo(10);
        source.OnError(Bug);
        scheduler.AdvanceTo(20);

        Marbles.AssertMessages(observer.Messages, OnError<int>(11, Bug));
    }

    [Test]
    public void Values_read_before_an_error_reach_the_observer_before_it()
    {
        // Rx's ObserveOn lets an error overtake the values still queued for the scheduler: messages read just before
        // a subscription failed would be lost on a DeliveryScheduler, though they arrive on the default delivery.
        var scheduler = new TestScheduler();
        var source = new Subject<int>();
        var observer = scheduler.CreateObserver<int>();
        new ScheduledDelivery<int>(source, scheduler, _ => { }).Subscribe(observer);

        source.OnNext(1);
        source.OnNext(2);
        source.OnError(Bug);
        scheduler.AdvanceTo(10);

        Marbles.AssertMessages(observer.Messages, OnNext(1, 1), OnNext(2, 2), OnError<int>(3, Bug));
    }

    [Test]
    public void A_throwing_observer_is_reported_and_delivery_goes_on()
    {
        var scheduler = new TestScheduler();
        var faults = new List<Exception>();
        var source = new Subject<int>();
        var values = new List<int>();
        new ScheduledDelivery<int>(source, scheduler, faults.Add).Subscribe(Observer.Create<int>(v => { if (v == 1) throw Bug; values.Add(v); }, () => throw Bug));

        source.OnNext(1);
        source.OnNext(2);
        source.OnCompleted();
        scheduler.AdvanceTo(10);

        Assert.That((values.Single(), faults.Count), Is.EqualTo((2, 2)));
        Assert.That(faults, Is.All.SameAs(Bug));
    }

    [Test]
    public void Rejects_a_null_observer() =>
        Assert.That(() => new ScheduledDelivery<int>(new Subject<int>(), new TestScheduler(), _ => { }).Subscribe(null!), Throws.ArgumentNullException);
}

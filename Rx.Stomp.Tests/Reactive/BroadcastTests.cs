using System.Reactive;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class BroadcastTests : ReactiveTest
{
    private static readonly Exception Bug = new InvalidOperationException("observer bug");

    [Test]
    public void Hands_each_value_to_the_observers_subscribed_at_that_moment()
    {
        var scheduler = new TestScheduler();
        var broadcast = new Broadcast<int>(_ => { });
        var (first, second, third) = (scheduler.CreateObserver<int>(), scheduler.CreateObserver<int>(), scheduler.CreateObserver<int>());

        var firstSubscription = broadcast.Subscribe(first);
        broadcast.Subscribe(second);
        broadcast.OnNext(1);
        scheduler.AdvanceTo(10);
        firstSubscription.Dispose();
        broadcast.OnNext(2);
        scheduler.AdvanceTo(20);
        broadcast.Subscribe(third);
        broadcast.OnNext(3);

        Marbles.AssertMessages(first.Messages, OnNext(0, 1));
        Marbles.AssertMessages(second.Messages, OnNext(0, 1), OnNext(10, 2), OnNext(20, 3));
        Marbles.AssertMessages(third.Messages, OnNext(20, 3));
    }

    [Test]
    public void Has_observers_only_while_one_is_subscribed()
    {
        var broadcast = new Broadcast<int>(_ => { });
        var before = broadcast.HasObservers;
        var subscription = broadcast.Subscribe(Observer.Create<int>(_ => { }));
        var during = broadcast.HasObservers;
        subscription.Dispose();
        subscription.Dispose();

        Assert.That((before, during, broadcast.HasObservers), Is.EqualTo((false, true, false)));
    }

    [Test]
    public void The_end_releases_the_observers()
    {
        var broadcast = new Broadcast<int>(_ => { });
        broadcast.Subscribe(Observer.Create<int>(_ => { }));

        broadcast.OnCompleted();

        Assert.That(broadcast.HasObservers, Is.False);
    }

    [Test]
    public void A_throwing_observer_is_reported_and_the_others_still_get_the_value_and_the_end()
    {
        var scheduler = new TestScheduler();
        var faults = new List<Exception>();
        var broadcast = new Broadcast<int>(faults.Add);
        var others = scheduler.CreateObserver<int>();
        broadcast.Subscribe(Observer.Create<int>(_ => throw Bug, _ => throw Bug, () => throw Bug));
        broadcast.Subscribe(others);

        broadcast.OnNext(1);
        broadcast.OnNext(2);
        broadcast.OnCompleted();

        Marbles.AssertMessages(others.Messages, OnNext(0, 1), OnNext(0, 2), OnCompleted<int>(0));
        Assert.That(faults, Is.EqualTo(new[] { Bug, Bug, Bug }));
    }

    [Test]
    public void Only_the_first_end_counts()
    {
        var scheduler = new TestScheduler();
        var broadcast = new Broadcast<int>(_ => { });
        var early = scheduler.CreateObserver<int>();
        var late = scheduler.CreateObserver<int>();
        broadcast.Subscribe(early);

        broadcast.OnCompleted();
        broadcast.OnError(Bug);
        broadcast.OnNext(1);
        broadcast.Subscribe(late);

        Marbles.AssertMessages(early.Messages, OnCompleted<int>(0));
        Marbles.AssertMessages(late.Messages, OnCompleted<int>(0));
    }

    [Test]
    public void An_error_goes_to_every_observer()
    {
        var scheduler = new TestScheduler();
        var broadcast = new Broadcast<int>(_ => { });
        var (first, second) = (scheduler.CreateObserver<int>(), scheduler.CreateObserver<int>());
        broadcast.Subscribe(first);
        broadcast.Subscribe(second);

        broadcast.OnNext(1);
        broadcast.OnError(Bug);

        Marbles.AssertMessages(first.Messages, OnNext(0, 1), OnError<int>(0, Bug));
        Marbles.AssertMessages(second.Messages, OnNext(0, 1), OnError<int>(0, Bug));
    }

    [Test]
    public void An_observer_that_comes_after_an_error_gets_the_error_at_once()
    {
        var scheduler = new TestScheduler();
        var broadcast = new Broadcast<int>(_ => { });
        var late = scheduler.CreateObserver<int>();

        broadcast.OnError(Bug);
        broadcast.Subscribe(late).Dispose();

        Marbles.AssertMessages(late.Messages, OnError<int>(0, Bug));
        Assert.That(broadcast.HasObservers, Is.False);
    }

    [Test]
    public void A_late_observer_that_throws_at_the_end_is_reported()
    {
        var faults = new List<Exception>();
        var broadcast = new Broadcast<int>(faults.Add);

        broadcast.OnCompleted();
        broadcast.Subscribe(Observer.Create<int>(_ => { }, () => throw Bug));

        Assert.That(faults, Is.EqualTo(new[] { Bug }));
    }

    [Test]
    public void Rejects_a_null_observer() =>
        Assert.That(() => new Broadcast<int>(_ => { }).Subscribe(null!), Throws.ArgumentNullException);
}

using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class StateStreamTests : ReactiveTest
{
    private static readonly ConnectionState Connecting = new(ConnectionStateKind.Connecting);
    private static readonly ConnectionState Connected = new(ConnectionStateKind.Connected, Session: "s1");
    private static readonly ConnectionState DisposedState = new(ConnectionStateKind.Disposed);

    [Test]
    public void A_new_observer_gets_the_current_state_first_then_the_changes()
    {
        var scheduler = new TestScheduler();
        var states = new StateStream(_ => { });
        var observer = scheduler.CreateObserver<ConnectionState>();
        states.Set(Connecting);

        states.Subscribe(observer);
        scheduler.AdvanceTo(10);
        states.Set(Connected);

        Marbles.AssertMessages(observer.Messages, OnNext(0, Connecting), OnNext(10, Connected));
        Assert.That(states.Current, Is.EqualTo(Connected));
    }

    [Test]
    public void The_initial_state_is_disconnected()
    {
        var scheduler = new TestScheduler();
        var observer = scheduler.CreateObserver<ConnectionState>();

        new StateStream(_ => { }).Subscribe(observer);

        Marbles.AssertMessages(observer.Messages, OnNext(0, ConnectionState.Initial));
    }

    [Test]
    public void The_current_state_again_is_not_published()
    {
        var scheduler = new TestScheduler();
        var states = new StateStream(_ => { });
        var observer = scheduler.CreateObserver<ConnectionState>();
        states.Subscribe(observer);

        states.Set(Connecting);
        states.Set(new ConnectionState(ConnectionStateKind.Connecting));
        states.Set(Connecting, when: () => true);

        Marbles.AssertMessages(observer.Messages, OnNext(0, ConnectionState.Initial), OnNext(0, Connecting));
    }

    [Test]
    public void A_condition_that_says_no_keeps_the_current_state()
    {
        var scheduler = new TestScheduler();
        var states = new StateStream(_ => { });
        var observer = scheduler.CreateObserver<ConnectionState>();
        states.Subscribe(observer);

        states.Set(Connecting, when: () => false);
        var unchanged = states.Current;
        states.Set(Connected, when: () => true);

        Assert.That(unchanged, Is.EqualTo(ConnectionState.Initial));
        Marbles.AssertMessages(observer.Messages, OnNext(0, ConnectionState.Initial), OnNext(0, Connected));
    }

    [Test]
    public void Nothing_follows_disposed()
    {
        var scheduler = new TestScheduler();
        var states = new StateStream(_ => { });
        var observer = scheduler.CreateObserver<ConnectionState>();
        states.Subscribe(observer);

        states.Set(DisposedState);
        states.Set(Connected);
        states.Set(Connecting, when: () => true);

        Assert.That(states.Current, Is.EqualTo(DisposedState));
        Marbles.AssertMessages(observer.Messages, OnNext(0, ConnectionState.Initial), OnNext(0, DisposedState));
    }

    [Test]
    public void Completion_ends_every_observer_and_a_later_one_gets_the_last_state_then_the_end()
    {
        var scheduler = new TestScheduler();
        var states = new StateStream(_ => { });
        var early = scheduler.CreateObserver<ConnectionState>();
        var late = scheduler.CreateObserver<ConnectionState>();
        states.Subscribe(early);
        states.Set(DisposedState);

        states.OnCompleted();
        states.Subscribe(late);

        Marbles.AssertMessages(early.Messages, OnNext(0, ConnectionState.Initial), OnNext(0, DisposedState), OnCompleted<ConnectionState>(0));
        Marbles.AssertMessages(late.Messages, OnNext(0, DisposedState), OnCompleted<ConnectionState>(0));
    }

    [Test]
    public void A_throwing_observer_is_reported_and_the_state_still_changes()
    {
        var bug = new InvalidOperationException("observer bug");
        var faults = new List<Exception>();
        var states = new StateStream(faults.Add);
        states.Subscribe(System.Reactive.Observer.Create<ConnectionState>(s => { if (s != ConnectionState.Initial) throw bug; }));

        states.Set(Connecting);

        Assert.That((states.Current, faults.Single()), Is.EqualTo((Connecting, (Exception)bug)));
    }

    [Test]
    public void Rejects_a_null_observer() =>
        Assert.That(() => new StateStream(_ => { }).Subscribe(null!), Throws.ArgumentNullException);
}

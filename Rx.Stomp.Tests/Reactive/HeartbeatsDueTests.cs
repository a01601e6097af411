using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class HeartbeatsDueTests : ReactiveTest
{
    private static readonly TimeSpan Interval = TimeSpan.FromTicks(1000);
    private static readonly Unit U = Unit.Default;

    [Test]
    public void Traffic_suppresses_outgoing_beats()
    {
        var scheduler = new TestScheduler();
        var writes = scheduler.CreateHotObservable(Enumerable.Range(1, 19).Select(i => OnNext(i * 500L, U)).ToArray());

        var results = scheduler.Start(() => writes.HeartbeatsDue(Interval, scheduler), created: 0, subscribed: 100, disposed: 10000);

        Marbles.AssertMessages(results.Messages);
    }

    [Test]
    public void An_idle_connection_beats_every_four_fifths_of_the_interval()
    {
        var scheduler = new TestScheduler();
        var writes = scheduler.CreateHotObservable<Unit>();

        var results = scheduler.Start(() => writes.HeartbeatsDue(Interval, scheduler), created: 0, subscribed: 100, disposed: 3900);

        Marbles.AssertMessages(results.Messages, OnNext(900, U), OnNext(1700, U), OnNext(2500, U), OnNext(3300, U));
    }

    [Test]
    public void Each_write_restarts_the_wait()
    {
        var scheduler = new TestScheduler();
        var writes = scheduler.CreateHotObservable(OnNext(1000, U), OnNext(1500, U));

        var results = scheduler.Start(() => writes.HeartbeatsDue(Interval, scheduler), created: 0, subscribed: 100, disposed: 3500);

        Marbles.AssertMessages(results.Messages, OnNext(900, U), OnNext(2300, U), OnNext(3100, U));
    }

    [Test]
    public void A_send_scale_of_one_beats_at_the_interval_as_stomp_py_does()
    {
        var scheduler = new TestScheduler();
        var writes = scheduler.CreateHotObservable(OnNext(500, "SEND"));

        var results = scheduler.Start(() => writes.HeartbeatsDue(Interval, scheduler, sendScale: 1.0), created: 0, subscribed: 100, disposed: 3700);

        Marbles.AssertMessages(results.Messages, OnNext(1500, U), OnNext(2500, U), OnNext(3500, U));
    }

    [Test]
    public void A_zero_interval_never_beats_but_ends_with_the_writes()
    {
        var scheduler = new TestScheduler();
        var writes = scheduler.CreateHotObservable(OnNext(500, U), OnCompleted<Unit>(100000));

        var results = scheduler.Start(() => writes.HeartbeatsDue(TimeSpan.Zero, scheduler), created: 0, subscribed: 100, disposed: 200000);

        Marbles.AssertMessages(results.Messages, OnCompleted<Unit>(100000));
    }

    [Test]
    public void The_beats_end_when_the_writes_end()
    {
        var scheduler = new TestScheduler();
        var writes = scheduler.CreateHotObservable(OnNext(500, U), OnCompleted<Unit>(2000));

        var results = scheduler.Start(() => writes.HeartbeatsDue(Interval, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1300, U), OnCompleted<Unit>(2000));
        Assert.That(writes.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 2000) }));
    }

    [Test]
    public void The_beats_fail_when_the_writes_fail()
    {
        var scheduler = new TestScheduler();
        var error = new IOException("broken pipe");
        var writes = scheduler.CreateHotObservable(OnError<Unit>(1000, error));

        var results = scheduler.Start(() => writes.HeartbeatsDue(Interval, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(900, U), OnError<Unit>(1000, error));
    }

    [TestCase(-1L, 0.8)]
    [TestCase(1000L, 0.0)]
    [TestCase(1000L, 1.1)]
    [TestCase(1000L, double.NaN)]
    public void Rejects_a_negative_interval_or_a_scale_outside_zero_to_one(long ticks, double scale)
    {
        var scheduler = new TestScheduler();
        Assert.That(
            () => scheduler.CreateHotObservable<Unit>().HeartbeatsDue(TimeSpan.FromTicks(ticks), scheduler, scale),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_period_shorter_than_a_tick_beats_every_tick()
    {
        // 1 tick × 0.5 rounds to no time at all: without the floor the beats would repeat at one instant, as fast as
        // the scheduler goes. A HistoricalScheduler, unlike the TestScheduler, runs an action due now at once.
        var scheduler = new System.Reactive.Concurrency.HistoricalScheduler();
        var start = scheduler.Now;
        var beats = new List<long>();

        using var due = new System.Reactive.Subjects.Subject<Unit>().HeartbeatsDue(TimeSpan.FromTicks(1), scheduler, sendScale: 0.5).Take(3)
            .Subscribe(_ => beats.Add((scheduler.Now - start).Ticks));
        scheduler.AdvanceBy(TimeSpan.FromTicks(10));

        Assert.That(beats, Is.EqualTo(new[] { 1L, 2, 3 }));
    }

    [Test]
    public void A_scale_outside_zero_to_one_is_named_with_its_rule()
    {
        var scheduler = new TestScheduler();
        Assert.That(
            () => scheduler.CreateHotObservable<Unit>().HeartbeatsDue(Interval, scheduler, 1.5),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("sendScale").And.Message.Contains("more than 0 and at most 1"));
    }

    [Test]
    public void Rejects_null_writes_or_scheduler_at_once()
    {
        var scheduler = new TestScheduler();
        Assert.That(() => HeartbeatObservable.HeartbeatsDue<Unit>(null!, Interval, scheduler), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("writes"));
        Assert.That(() => HeartbeatObservable.HeartbeatsDue<Unit>(null!, TimeSpan.Zero, scheduler), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("writes"));
        Assert.That(() => scheduler.CreateHotObservable<Unit>().HeartbeatsDue(Interval, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("scheduler"));
    }
}

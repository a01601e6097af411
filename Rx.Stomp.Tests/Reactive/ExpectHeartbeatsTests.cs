using Microsoft.Reactive.Testing;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class ExpectHeartbeatsTests : ReactiveTest
{
    private static readonly TimeSpan Interval = TimeSpan.FromTicks(1000);

    private static Func<Exception, bool> Timeout(long silence) =>
        e => e is HeartbeatTimeoutException t && t.Interval == Interval && t.Silence == TimeSpan.FromTicks(silence);

    [Test]
    public void On_time_beats_keep_the_connection()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1), OnNext(2000, 2), OnNext(3400, 3), OnNext(4800, 4));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler), created: 0, subscribed: 100, disposed: 6000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1), OnNext(2000, 2), OnNext(3400, 3), OnNext(4800, 4));
        Assert.That(beats.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 6000) }));
    }

    [Test]
    public void A_late_beat_fails_exactly_at_the_deadline()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1), OnNext(2600, 2));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler, scale: 1.5), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1), OnError<int>(2500, Timeout(1500)));
        Assert.That(beats.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 2500) }));
    }

    [Test]
    public void A_beat_just_before_the_deadline_restarts_it()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1), OnNext(2499, 2));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1), OnNext(2499, 2), OnError<int>(3999, Timeout(1500)));
    }

    [Test]
    public void The_deadline_starts_at_subscription()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable<int>();

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler), created: 0, subscribed: 200, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnError<int>(1700, Timeout(1500)));
    }

    [Test]
    public void The_scale_sets_the_grace()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler, scale: 2.0), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1), OnError<int>(3000, Timeout(2000)));
    }

    [Test]
    public void Any_inbound_data_counts_as_activity_bare_end_of_lines_included()
    {
        var scheduler = new TestScheduler();
        var reads = scheduler.CreateHotObservable(OnNext(1000, "\r\n"), OnNext(2400, "\n"), OnNext(3800, "MESSAGE\n\n\0"));

        var results = scheduler.Start(() => reads.ExpectHeartbeats(Interval, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(
            results.Messages,
            OnNext(1000, "\r\n"),
            OnNext(2400, "\n"),
            OnNext(3800, "MESSAGE\n\n\0"),
            OnError<string>(5300, e => e is HeartbeatTimeoutException));
    }

    [Test]
    public void A_zero_interval_never_times_out()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(TimeSpan.Zero, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1));
    }

    [Test]
    public void The_completion_of_the_activity_ends_the_watch()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1), OnCompleted<int>(1200));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1), OnCompleted<int>(1200));
    }

    [Test]
    public void An_error_of_the_activity_passes_through()
    {
        var scheduler = new TestScheduler();
        var error = new IOException("connection reset");
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1), OnError<int>(1200, error));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1), OnError<int>(1200, error));
    }

    [Test]
    public void The_exception_names_the_interval_and_the_silence()
    {
        var e = new HeartbeatTimeoutException(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));

        Assert.That(e, Is.InstanceOf<StompConnectionException>());
        Assert.That(e.Message, Does.Contain("15000 ms").And.Contain("10000 ms"));
        Assert.That((e.Interval, e.Silence), Is.EqualTo((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15))));
    }

    [TestCase(-1L, 1.5)]
    [TestCase(1000L, 0.5)]
    [TestCase(1000L, double.NaN)]
    public void Rejects_a_negative_interval_or_a_scale_below_one(long ticks, double scale)
    {
        var scheduler = new TestScheduler();
        Assert.That(
            () => scheduler.CreateHotObservable<int>().ExpectHeartbeats(TimeSpan.FromTicks(ticks), scheduler, scale),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_scale_of_one_is_allowed_and_fails_after_exactly_the_interval()
    {
        var scheduler = new TestScheduler();
        var beats = scheduler.CreateHotObservable(OnNext(1000, 1));

        var results = scheduler.Start(() => beats.ExpectHeartbeats(Interval, scheduler, scale: 1.0), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(1000, 1), OnError<int>(2000, Timeout(1000)));
    }

    [Test]
    public void A_scale_below_one_is_named_with_its_rule()
    {
        var scheduler = new TestScheduler();
        Assert.That(
            () => scheduler.CreateHotObservable<int>().ExpectHeartbeats(Interval, scheduler, 0.5),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("scale").And.Message.Contains("at least 1"));
    }

    [Test]
    public void Rejects_a_null_activity_or_scheduler_at_once()
    {
        var scheduler = new TestScheduler();
        Assert.That(() => HeartbeatObservable.ExpectHeartbeats<int>(null!, Interval, scheduler), Throws.ArgumentNullException);
        Assert.That(() => HeartbeatObservable.ExpectHeartbeats<int>(null!, TimeSpan.Zero, scheduler), Throws.ArgumentNullException);
        Assert.That(() => scheduler.CreateHotObservable<int>().ExpectHeartbeats(Interval, null!), Throws.ArgumentNullException);
    }
}

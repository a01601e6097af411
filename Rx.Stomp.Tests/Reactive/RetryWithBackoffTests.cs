using Microsoft.Reactive.Testing;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class RetryWithBackoffTests : ReactiveTest
{
    private static readonly Exception Refused = new IOException("connection refused");

    // Delays of 100, 200, 400, 800, then 1000 ticks; no jitter.
    private static readonly BackoffPolicy Doubling = new()
    {
        InitialDelay = TimeSpan.FromTicks(100),
        Multiplier = 2.0,
        Jitter = 0.0,
        MaxDelay = TimeSpan.FromTicks(1000),
        MaxAttempts = 5,
        RandomSource = () => 0.0,
    };

    private static RetryAttempt Retry(int attempt, long delay, Exception? error = null) => new(attempt, TimeSpan.FromTicks(delay), error ?? Refused);

    [Test]
    public void Retries_after_the_exact_delays_then_gives_up_with_the_last_error()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnError<int>(10, Refused));
        var retries = new List<RetryAttempt>();

        var results = scheduler.Start(() => connect.RetryWithBackoff(Doubling, scheduler, onRetry: retries.Add), created: 0, subscribed: 100, disposed: 100000);

        Assert.That(connect.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 110), Subscribe(210, 220), Subscribe(420, 430), Subscribe(830, 840), Subscribe(1640, 1650) }));
        Assert.That(retries, Is.EqualTo(new[] { Retry(1, 100), Retry(2, 200), Retry(3, 400), Retry(4, 800) }));
        Marbles.AssertMessages(results.Messages, OnError<int>(1650, Refused));
    }

    [Test]
    public void The_delay_stops_growing_at_max_delay()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnError<int>(10, Refused));
        var retries = new List<RetryAttempt>();

        scheduler.Start(() => connect.RetryWithBackoff(Doubling with { MaxAttempts = 8 }, scheduler, onRetry: retries.Add), created: 0, subscribed: 100, disposed: 100000);

        Assert.That(retries.Select(r => r.Delay.Ticks), Is.EqualTo(new[] { 100L, 200, 400, 800, 1000, 1000, 1000 }));
    }

    [Test]
    public void Jitter_comes_from_the_random_source()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnError<int>(10, Refused));
        var retries = new List<RetryAttempt>();
        var policy = Doubling with { Jitter = 0.5, RandomSource = () => 1.0, MaxAttempts = 3 };

        var results = scheduler.Start(() => connect.RetryWithBackoff(policy, scheduler, onRetry: retries.Add), created: 0, subscribed: 100, disposed: 100000);

        Assert.That(retries, Is.EqualTo(new[] { Retry(1, 150), Retry(2, 300) }));
        Assert.That(connect.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 110), Subscribe(260, 270), Subscribe(570, 580) }));
        Marbles.AssertMessages(results.Messages, OnError<int>(580, Refused));
    }

    [Test]
    public void The_connect_preset_makes_three_attempts_a_tenth_and_fifteen_hundredths_of_a_second_apart()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnError<int>(10, Refused));
        var policy = BackoffPolicy.Connect with { RandomSource = () => 0.0 };

        var results = scheduler.Start(() => connect.RetryWithBackoff(policy, scheduler), created: 0, subscribed: 100, disposed: 100_000_000);

        Assert.That(connect.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 110), Subscribe(1_000_110, 1_000_120), Subscribe(2_500_120, 2_500_130) }));
        Marbles.AssertMessages(results.Messages, OnError<int>(2_500_130, Refused));
    }

    [Test]
    public void Unlimited_attempts_retry_forever()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnError<int>(10, Refused));
        var retries = new List<RetryAttempt>();
        var policy = Doubling with { Multiplier = 1.0, MaxAttempts = BackoffPolicy.Unlimited };

        // Attempt k starts at 100 + 110 k and fails 10 later; attempt 50 (the 51st) starts at 5600.
        var results = scheduler.Start(() => connect.RetryWithBackoff(policy, scheduler, onRetry: retries.Add), created: 0, subscribed: 100, disposed: 5605);

        Assert.That(retries, Is.EqualTo(Enumerable.Range(1, 50).Select(n => Retry(n, 100))));
        Assert.That(connect.Subscriptions, Has.Count.EqualTo(51));
        Assert.That(connect.Subscriptions[^1], Is.EqualTo(Subscribe(5600, 5605)));
        Marbles.AssertMessages(results.Messages);
    }

    [Test]
    public void A_non_retryable_error_passes_through_at_once()
    {
        var scheduler = new TestScheduler();
        var loginRefused = new UnauthorizedAccessException("login refused");
        var connect = scheduler.CreateColdObservable(OnError<int>(10, loginRefused));
        var retries = new List<RetryAttempt>();

        var results = scheduler.Start(
            () => connect.RetryWithBackoff(Doubling, scheduler, isRetryable: e => e is not UnauthorizedAccessException, onRetry: retries.Add),
            created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnError<int>(110, loginRefused));
        Assert.That(connect.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 110) }));
        Assert.That(retries, Is.Empty);
    }

    [Test]
    public void A_value_resets_the_count_so_a_connection_that_worked_never_gives_up()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnNext(10, 1), OnError<int>(20, Refused));
        var retries = new List<RetryAttempt>();

        var results = scheduler.Start(() => connect.RetryWithBackoff(Doubling with { MaxAttempts = 2 }, scheduler, onRetry: retries.Add), created: 0, subscribed: 100, disposed: 600);

        Marbles.AssertMessages(results.Messages, OnNext(110, 1), OnNext(230, 1), OnNext(350, 1), OnNext(470, 1), OnNext(590, 1));
        Assert.That(retries, Is.EqualTo(Enumerable.Repeat(Retry(1, 100), 4)));
    }

    [Test]
    public void Values_and_completion_of_the_attempt_that_succeeds_pass_through()
    {
        var scheduler = new TestScheduler();
        var attempts = new[]
        {
            scheduler.CreateColdObservable(OnError<int>(10, Refused)),
            scheduler.CreateColdObservable(OnNext(10, 42), OnCompleted<int>(20)),
        };
        var next = 0;
        var connect = System.Reactive.Linq.Observable.Defer(() => attempts[next++]);

        var results = scheduler.Start(() => connect.RetryWithBackoff(Doubling, scheduler), created: 0, subscribed: 100, disposed: 100000);

        Marbles.AssertMessages(results.Messages, OnNext(220, 42), OnCompleted<int>(230));
    }

    [Test]
    public void An_attempt_that_starts_before_the_scheduler_returns_its_timer_is_kept()
    {
        // The immediate scheduler runs a due action inside Schedule: the next attempt is under way before Schedule
        // returns (as on a pool thread that runs a short delay at once), and must not be cancelled by the timer's handle.
        var attempts = 0;
        var second = new System.Reactive.Subjects.Subject<int>();
        var connect = System.Reactive.Linq.Observable.Defer(() => ++attempts == 1 ? System.Reactive.Linq.Observable.Throw<int>(Refused) : second);
        var values = new List<int>();

        using var retrying = connect.RetryWithBackoff(Doubling with { InitialDelay = TimeSpan.Zero }, System.Reactive.Concurrency.Scheduler.Immediate).Subscribe(values.Add);
        second.OnNext(42);

        Assert.That((attempts, values), Is.EqualTo((2, new List<int> { 42 })), "the second attempt is still subscribed");
    }

    [Test]
    public void Disposing_during_a_delay_cancels_the_next_attempt()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnError<int>(10, Refused));

        var results = scheduler.Start(() => connect.RetryWithBackoff(Doubling, scheduler), created: 0, subscribed: 100, disposed: 150);
        scheduler.AdvanceBy(10000);

        Assert.That(connect.Subscriptions, Is.EqualTo(new[] { Subscribe(100, 110) }));
        Marbles.AssertMessages(results.Messages);
    }

    [Test]
    public void A_throwing_predicate_or_callback_fails_the_result()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable(OnError<int>(10, Refused));
        var bug = new InvalidOperationException("bug");

        var byPredicate = scheduler.Start(() => connect.RetryWithBackoff(Doubling, scheduler, isRetryable: _ => throw bug), created: 0, subscribed: 100, disposed: 100000);
        Marbles.AssertMessages(byPredicate.Messages, OnError<int>(110, bug));

        var other = new TestScheduler();
        var connectOther = other.CreateColdObservable(OnError<int>(10, Refused));
        var byCallback = other.Start(() => connectOther.RetryWithBackoff(Doubling, other, onRetry: _ => throw bug), created: 0, subscribed: 100, disposed: 100000);
        Marbles.AssertMessages(byCallback.Messages, OnError<int>(110, bug));
    }

    [Test]
    public void A_throwing_callback_makes_no_further_attempt()
    {
        // The immediate scheduler would start a scheduled attempt at once, inside the failing one.
        var attempts = 0;
        var bug = new InvalidOperationException("bug");
        var connect = System.Reactive.Linq.Observable.Defer(() =>
        {
            attempts++;
            return System.Reactive.Linq.Observable.Throw<int>(Refused);
        });
        var calls = 0;
        Exception? failure = null;

        using var retrying = connect
            .RetryWithBackoff(Doubling with { InitialDelay = TimeSpan.Zero }, System.Reactive.Concurrency.Scheduler.Immediate, onRetry: _ => { if (++calls == 1) throw bug; })
            .Subscribe(_ => { }, e => failure = e);

        Assert.That((attempts, failure), Is.EqualTo((1, (Exception)bug)));
    }

    [Test]
    public void Rejects_null_arguments_and_an_invalid_policy_at_once()
    {
        var scheduler = new TestScheduler();
        var connect = scheduler.CreateColdObservable<int>();

        Assert.That(() => RetryObservable.RetryWithBackoff<int>(null!, Doubling, scheduler), Throws.ArgumentNullException);
        Assert.That(() => connect.RetryWithBackoff(null!, scheduler), Throws.ArgumentNullException);
        Assert.That(() => connect.RetryWithBackoff(Doubling, null!), Throws.ArgumentNullException);
        Assert.That(() => connect.RetryWithBackoff(Doubling with { MaxAttempts = 0 }, scheduler), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}

using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class BackoffPolicyTests
{
    private static readonly BackoffPolicy Defaults = BackoffPolicy.Connect;

    [Test]
    public void Has_stomp_py_defaults()
    {
        Assert.That(
            (Defaults.InitialDelay, Defaults.Multiplier, Defaults.Jitter, Defaults.MaxDelay, Defaults.MaxAttempts),
            Is.EqualTo((TimeSpan.FromSeconds(0.1), 1.5, 0.1, TimeSpan.FromSeconds(60), 3)));
    }

    [Test]
    public void The_reconnect_preset_has_stomp_py_delays_and_retries_forever_also_once_changed()
    {
        var tuned = BackoffPolicy.Reconnect with { Jitter = 0 };

        Assert.That(
            (BackoffPolicy.Reconnect.InitialDelay, BackoffPolicy.Reconnect.Multiplier, BackoffPolicy.Reconnect.Jitter, BackoffPolicy.Reconnect.MaxDelay),
            Is.EqualTo((Defaults.InitialDelay, Defaults.Multiplier, Defaults.Jitter, Defaults.MaxDelay)));
        Assert.That(new[] { BackoffPolicy.Reconnect.MaxAttempts, tuned.MaxAttempts, new BackoffPolicy { Jitter = 0 }.MaxAttempts }, Is.All.EqualTo(BackoffPolicy.Unlimited));
    }

    [TestCase(1, 1_000_000L)]
    [TestCase(2, 1_500_000L)]
    [TestCase(3, 2_250_000L)]
    [TestCase(4, 3_375_000L)]
    [TestCase(5, 5_062_500L)]
    [TestCase(6, 7_593_750L)]
    public void The_default_delays_grow_by_half_from_a_tenth_of_a_second(int attempt, long ticks) =>
        Assert.That(Defaults.DelayFor(attempt, 0.0), Is.EqualTo(TimeSpan.FromTicks(ticks)));

    [TestCase(16, false)]
    [TestCase(17, true)]
    [TestCase(1000, true)]
    [TestCase(int.MaxValue, true)]
    public void The_delay_is_capped_at_max_delay(int attempt, bool capped)
    {
        var delay = Defaults.DelayFor(attempt, 0.0);

        Assert.That(delay == TimeSpan.FromSeconds(60), Is.EqualTo(capped));
        Assert.That(delay, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(60)));
    }

    [TestCase(1, 0.0, 1_000_000L)]
    [TestCase(1, 0.5, 1_050_000L)]
    [TestCase(1, 1.0, 1_100_000L)]
    [TestCase(3, 1.0, 2_475_000L)]
    [TestCase(100, 0.0, 600_000_000L)]
    [TestCase(100, 1.0, 660_000_000L)]
    public void Jitter_stretches_a_delay_by_up_to_its_fraction_after_the_cap(int attempt, double random01, long ticks) =>
        Assert.That(Defaults.DelayFor(attempt, random01), Is.EqualTo(TimeSpan.FromTicks(ticks)));

    // stomp/transport.py, Transport.attempt_connection: sleep_exp starts at 1 and grows after each sleep.
    [Test]
    public void Matches_stomp_py_formula()
    {
        double initial = 0.1, increase = 0.5, max = 60.0, jitter = 0.1; // reconnect_sleep_increase = Multiplier - 1
        foreach (var sleepExp in Enumerable.Range(1, 25))
        {
            foreach (var random in new[] { 0.0, 0.3, 0.99 })
            {
                var stompPy = Math.Min(max, initial / (1.0 + increase) * Math.Pow(1.0 + increase, sleepExp)) * (1.0 + (random * jitter));
                Assert.That(Defaults.DelayFor(sleepExp, random).TotalSeconds, Is.EqualTo(stompPy).Within(1e-6), $"attempt {sleepExp}, r {random}");
            }
        }
    }

    [Test]
    public void A_multiplier_of_one_keeps_the_delay_constant_and_a_zero_initial_delay_stays_zero()
    {
        var constant = Defaults with { Multiplier = 1.0 };
        var immediate = Defaults with { InitialDelay = TimeSpan.Zero, Multiplier = 1e6 };

        Assert.That(Enumerable.Range(1, 10).Select(n => constant.DelayFor(n, 0.0)), Is.All.EqualTo(TimeSpan.FromSeconds(0.1)));
        Assert.That(new[] { 1, 500, int.MaxValue }.Select(n => immediate.DelayFor(n, 1.0)), Is.All.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Next_delay_draws_from_the_random_source()
    {
        var policy = Defaults with { RandomSource = () => 1.0 };

        Assert.That(policy.NextDelay(1), Is.EqualTo(TimeSpan.FromTicks(1_100_000)));
    }

    [TestCase(0, 0.0)]
    [TestCase(1, -0.1)]
    [TestCase(1, 1.1)]
    [TestCase(1, double.NaN)]
    public void Delay_for_rejects_an_attempt_below_one_or_a_draw_outside_zero_to_one(int attempt, double random01) =>
        Assert.That(() => Defaults.DelayFor(attempt, random01), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void A_draw_outside_zero_to_one_is_named_with_the_allowed_range() =>
        Assert.That(
            () => Defaults.DelayFor(1, 2.0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("random01").And.Message.Contains("[0, 1]"));

    [Test]
    public void A_delay_beyond_the_largest_time_span_is_the_largest_time_span()
    {
        var unbounded = Defaults with { InitialDelay = TimeSpan.MaxValue, MaxDelay = TimeSpan.MaxValue, Jitter = 1.0 };

        Assert.That(new[] { unbounded.DelayFor(1, 0.0), unbounded.DelayFor(1, 1.0), unbounded.DelayFor(int.MaxValue, 1.0) }, Is.All.EqualTo(TimeSpan.MaxValue));
    }

    [Test]
    public void Validate_rejects_nonsense()
    {
        Assert.That(() => (Defaults with { MaxAttempts = 0 }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => (Defaults with { MaxAttempts = -2 }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => (Defaults with { Jitter = -0.1 }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => (Defaults with { Multiplier = double.PositiveInfinity }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => (Defaults with { Multiplier = 0.5 }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>(), "a multiplier below 1 would shrink the delays");
        Assert.That(() => (Defaults with { InitialDelay = TimeSpan.FromTicks(-1) }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That((Defaults with { MaxAttempts = BackoffPolicy.Unlimited }).Validate().MaxAttempts, Is.EqualTo(-1));
    }

    [Test]
    public void A_single_attempt_and_zero_delays_and_jitter_are_valid()
    {
        var once = Defaults with { MaxAttempts = 1, InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, Jitter = 0.0, Multiplier = 1.0 };

        Assert.That(once.Validate(), Is.SameAs(once));
    }

    [Test]
    public void Validate_rejects_a_negative_max_delay_and_a_missing_random_source()
    {
        Assert.That(
            () => (Defaults with { MaxDelay = TimeSpan.FromTicks(-1) }).Validate(),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("MaxDelay"));
        Assert.That(
            () => (Defaults with { RandomSource = null! }).Validate(),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("RandomSource"));
    }

    [Test]
    public void Validate_names_the_rule_that_was_broken()
    {
        Assert.That(() => (Defaults with { Multiplier = 0.5 }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at least 1"));
        Assert.That(() => (Defaults with { Jitter = -0.1 }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at least 0"));
        Assert.That(() => (Defaults with { MaxAttempts = 0 }).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("-1 for unlimited"));
    }

    [Test]
    public void Validate_returns_a_valid_policy_unchanged() =>
        Assert.That(Defaults.Validate(), Is.SameAs(Defaults));
}

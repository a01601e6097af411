namespace Rx.Stomp.Reactive;

/// <summary>
/// How long to wait between connection attempts, and how many to make: stomp.py's reconnection parameters, with its
/// defaults and its formula.
/// </summary>
/// <remarks>
/// The delay after the <c>n</c>-th consecutive failure is
/// <c>min(MaxDelay, InitialDelay × (1 + IncreaseFactor)^(n−1)) × (1 + r × Jitter)</c> with <c>r</c> uniform in [0, 1):
/// with the defaults 0.1 s, 0.15 s, 0.225 s, … capped at 60 s, each stretched by up to 10 %. As in stomp.py the
/// jitter only lengthens a delay and applies after the cap, so a delay can reach <c>MaxDelay × (1 + Jitter)</c>.
/// </remarks>
public sealed record BackoffPolicy
{
    /// <summary>The <see cref="MaxAttempts"/> that means retrying forever.</summary>
    public const int Unlimited = -1;

    /// <summary>stomp.py's defaults: 0.1 s growing by half each time up to 60 s, 10 % jitter, 3 attempts.</summary>
    public static BackoffPolicy Default { get; } = new();

    /// <summary>The delay after the first failure (stomp.py's <c>reconnect_sleep_initial</c>, 0.1 s).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(0.1);

    /// <summary>
    /// How much each delay grows over the previous one (stomp.py's <c>reconnect_sleep_increase</c>, 0.5): 0.5 waits
    /// 50 % longer each time, 1.0 twice as long, 0 keeps the delay constant.
    /// </summary>
    public double IncreaseFactor { get; init; } = 0.5;

    /// <summary>
    /// The largest random stretch of a delay, as a fraction of it (stomp.py's <c>reconnect_sleep_jitter</c>, 0.1: up
    /// to 10 % longer), so that clients cut off together do not come back together.
    /// </summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>The cap on a delay before jitter (stomp.py's <c>reconnect_sleep_max</c>, 60 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many attempts in a row may fail before giving up, the first one included (stomp.py's
    /// <c>reconnect_attempts_max</c>, 3); <see cref="Unlimited"/> (-1) retries forever.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The source of <c>r</c> in the jitter, uniform in [0, 1]; <see cref="Random.Shared"/> by default. Tests pin it.</summary>
    public Func<double> RandomSource { get; init; } = Random.Shared.NextDouble;

    /// <summary>
    /// The delay after the <paramref name="attempt"/>-th consecutive failure, for the random draw
    /// <paramref name="random01"/>: a pure function of the policy.
    /// </summary>
    /// <param name="attempt">How many attempts in a row have failed, at least 1.</param>
    /// <param name="random01">The random draw, in [0, 1]: 0 gives the bare delay, 1 the longest.</param>
    /// <exception cref="ArgumentOutOfRangeException">An attempt below 1, or a draw outside [0, 1].</exception>
    public TimeSpan DelayFor(int attempt, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        if (!(random01 >= 0.0 && random01 <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(random01), random01, "The random draw must be in [0, 1].");
        }

        // In ticks, so the defaults come out exact (0.1 s × 1.5^n is a whole number of ticks for small n). The zero
        // test keeps 0 × ∞ (a huge attempt number) from becoming NaN.
        var capped = InitialDelay == TimeSpan.Zero
            ? 0.0
            : Math.Min(MaxDelay.Ticks, InitialDelay.Ticks * Math.Pow(1.0 + IncreaseFactor, attempt - 1));
        var ticks = Math.Round(capped * (1.0 + (random01 * Jitter)));
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay after the <paramref name="attempt"/>-th consecutive failure, drawing from <see cref="RandomSource"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An attempt below 1.</exception>
    public TimeSpan NextDelay(int attempt) => DelayFor(attempt, RandomSource());

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for negative delays or factors, non-finite factors, or
    /// <see cref="MaxAttempts"/> below 1 other than <see cref="Unlimited"/>; returns the policy.
    /// </summary>
    public BackoffPolicy Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, nameof(MaxDelay));
        if (!double.IsFinite(IncreaseFactor) || IncreaseFactor < 0.0)
        {
            throw new ArgumentOutOfRangeException(nameof(IncreaseFactor), IncreaseFactor, "The increase factor must be a finite number of at least 0.");
        }

        if (!double.IsFinite(Jitter) || Jitter < 0.0)
        {
            throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "The jitter must be a finite number of at least 0.");
        }

        if (MaxAttempts < 1 && MaxAttempts != Unlimited)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "The attempts must be at least 1, or -1 for unlimited.");
        }

        ArgumentNullException.ThrowIfNull(RandomSource, nameof(RandomSource));
        return this;
    }
}

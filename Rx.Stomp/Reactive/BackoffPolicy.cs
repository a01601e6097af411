
namespace Rx.Stomp.Reactive;

/// <summary>
/// How long to wait between connection attempts, and how many to make: stomp.py's reconnection parameters, with its
/// defaults and its formula. Start from a preset: <see cref="Connect"/> (three attempts, for the first connection)
/// or <see cref="Reconnect"/> (forever, after a connection was lost), e.g.
/// <c>BackoffPolicy.Reconnect with { Jitter = 0 }</c>.
/// </summary>
/// <remarks>
/// The delay after the <c>n</c>-th consecutive failure is
/// <c>min(MaxDelay, InitialDelay × Multiplier^(n−1)) × (1 + r × Jitter)</c> with <c>r</c> uniform in [0, 1):
/// with the defaults 0.1 s, 0.15 s, 0.225 s, … capped at 60 s, each stretched by up to 10 %. As in stomp.py the
/// jitter only lengthens a delay and applies after the cap, so a delay can reach <c>MaxDelay × (1 + Jitter)</c>.
/// </remarks>
public sealed record BackoffPolicy
{
    /// <summary>The <see cref="MaxAttempts"/> that means retrying forever.</summary>
    public const int Unlimited = -1;

    /// <summary>
    /// For a first connection: stomp.py's defaults, 0.1 s growing by half each time up to 60 s, 10 % jitter, and
    /// 3 attempts (stomp.py's <c>reconnect_attempts_max</c>), so that a wrong address fails fast.
    /// </summary>
    public static BackoffPolicy Connect { get; } = new() { MaxAttempts = 3 };

    /// <summary>For reconnecting after a loss: stomp.py's delays, and attempts without end (<see cref="Unlimited"/>).</summary>
    public static BackoffPolicy Reconnect { get; } = new();

    /// <summary>The delay after the first failure (stomp.py's <c>reconnect_sleep_initial</c>, 0.1 s).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(0.1);

    /// <summary>
    /// What each delay is multiplied by to give the next one, at least 1: 1.5 waits 50 % longer each time (stomp.py's
    /// <c>reconnect_sleep_increase</c> of 0.5 is a multiplier of 1 + 0.5), 2 twice as long, 1 keeps the delay constant.
    /// </summary>
    public double Multiplier { get; init; } = 1.5;

    /// <summary>
    /// The largest random stretch of a delay, as a fraction of it (stomp.py's <c>reconnect_sleep_jitter</c>, 0.1: up
    /// to 10 % longer), so that clients cut off together do not come back together.
    /// </summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>The cap on a delay before jitter (stomp.py's <c>reconnect_sleep_max</c>, 60 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many attempts in a row may fail before giving up, the first one included (stomp.py's
    /// <c>reconnect_attempts_max</c>: 3 in <see cref="Connect"/>); <see cref="Unlimited"/> (-1), the default,
    /// retries forever.
    /// </summary>
    public int MaxAttempts { get; init; } = Unlimited;

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
            : Math.Min(MaxDelay.Ticks, InitialDelay.Ticks * Math.Pow(Multiplier, attempt - 1));
        var ticks = Math.Round(capped * (1.0 + (random01 * Jitter)));
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay after the <paramref name="attempt"/>-th consecutive failure, drawing from <see cref="RandomSource"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An attempt below 1.</exception>
    public TimeSpan NextDelay(int attempt) => DelayFor(attempt, RandomSource());

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for negative delays, a multiplier below 1, a negative jitter,
    /// non-finite numbers, or
    /// <see cref="MaxAttempts"/> below 1 other than <see cref="Unlimited"/>; returns the policy.
    /// </summary>
    public BackoffPolicy Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, nameof(MaxDelay));
        if (!double.IsFinite(Multiplier) || Multiplier < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(Multiplier), Multiplier, "The multiplier must be a finite number of at least 1 (1 keeps the delay constant).");
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

using System.Globalization;
using System.Reactive.Concurrency;

namespace Rx.Stomp.Linq;

/// <summary>
/// The memory of <see cref="Deduplication.DropDuplicates"/>: the keys of the messages it let through, and counts of what
/// passed and what was dropped. A key is remembered until <see cref="Capacity"/> newer keys push it out (the oldest
/// goes first) or until it is <see cref="MaxAge"/> old on the scheduler's clock, whichever comes first; memory is
/// bounded by the capacity. One filter may serve several streams (two watches of one queue, a watch subscribed again
/// after an error): they share what was seen. Thread-safe.
/// </summary>
/// <remarks>
/// The keys are kept in this process only: after a restart the broker's redeliveries pass again, so a handler that
/// must never run twice across restarts keeps its own record too.
/// </remarks>
public sealed class DuplicateFilter
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _keys = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _oldestFirst = new();
    private readonly IStopwatch _clock;
    private long _passed;
    private long _dropped;

    /// <summary>A filter that remembers at most <paramref name="capacity"/> keys, each for at most <paramref name="maxAge"/>.</summary>
    /// <param name="capacity">Most keys remembered at once; at least 1.</param>
    /// <param name="maxAge">How long a key is remembered after it was first let through; <see cref="Timeout.InfiniteTimeSpan"/> for as long as the capacity allows.</param>
    /// <param name="scheduler">The clock that ages the keys: the client's (<see cref="Client.StompClientOptions.Scheduler"/>), a <c>TestScheduler</c> in tests.</param>
    /// <exception cref="ArgumentOutOfRangeException">A capacity below 1, or an age that is neither positive nor infinite.</exception>
    public DuplicateFilter(int capacity, TimeSpan maxAge, IScheduler scheduler)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (maxAge <= TimeSpan.Zero && maxAge != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, "The age must be positive, or Timeout.InfiniteTimeSpan.");
        }

        ArgumentNullException.ThrowIfNull(scheduler);
        Capacity = capacity;
        MaxAge = maxAge;
        _clock = scheduler.StartStopwatch();
    }

    /// <summary>Most keys remembered at once.</summary>
    public int Capacity { get; }

    /// <summary>How long a key is remembered after it was first let through (<see cref="Timeout.InfiniteTimeSpan"/>: no limit).</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>The keys remembered now (those older than <see cref="MaxAge"/> are forgotten first).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                ForgetExpired(_clock.Elapsed);
                return _keys.Count;
            }
        }
    }

    /// <summary>Messages let through: the first of each key, and every message without a key.</summary>
    public long Passed => Interlocked.Read(ref _passed);

    /// <summary>Duplicates dropped.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Forgets <paramref name="key"/>, so that its next message passes: for a handler that refuses a message (NACK) so
    /// that the broker delivers it again, to be handled then.
    /// </summary>
    /// <returns>Whether the key was remembered.</returns>
    public bool Forget(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_keys.Remove(key, out var node))
            {
                return false;
            }

            _oldestFirst.Remove(node);
            return true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Passed} passed, {Dropped} duplicates dropped, {Count} of at most {Capacity} keys remembered");

    /// <summary>
    /// Whether a message with <paramref name="key"/> passes: a key not remembered is remembered from now on and passes
    /// (so does no key at all); a remembered one is a duplicate, counted and dropped.
    /// </summary>
    internal bool TryPass(string? key)
    {
        lock (_gate)
        {
            if (key is not null)
            {
                var now = _clock.Elapsed;
                ForgetExpired(now);
                if (_keys.ContainsKey(key))
                {
                    _dropped++;
                    return false;
                }

                if (_keys.Count == Capacity)
                {
                    _keys.Remove(_oldestFirst.First!.Value.Key);
                    _oldestFirst.RemoveFirst();
                }

                _keys.Add(key, _oldestFirst.AddLast(new Entry(key, now)));
            }

            _passed++;
            return true;
        }
    }

    private void ForgetExpired(TimeSpan now)
    {
        if (MaxAge == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        while (_oldestFirst.First is { } oldest && now - oldest.Value.Seen >= MaxAge)
        {
            _keys.Remove(oldest.Value.Key);
            _oldestFirst.RemoveFirst();
        }
    }

    private readonly record struct Entry(string Key, TimeSpan Seen);
}

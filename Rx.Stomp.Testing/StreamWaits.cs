using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Rx.Stomp.Testing;

/// <summary>
/// Bounded waits on observables, for tests: each subscribes at once (so subscribe before causing what you wait for
/// on a hot stream such as <c>StompClient.Messages</c>) and gives up after a wall-clock timeout with a
/// <see cref="TimeoutException"/>, so a broken behaviour fails a test instead of hanging it. The timeout is real time
/// even when the code under test runs on a <c>TestScheduler</c>: it guards the test run, not the virtual clock.
/// The awaiting code resumes on the thread pool, never on the thread that produced the value (such as a client's
/// read loop, which would otherwise wait for the test before it reads on).
/// </summary>
public static class StreamWaits
{
    /// <summary>How long a wait lasts when no timeout is given: 15 seconds.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(15);

    /// <summary>The first value of <paramref name="source"/> that satisfies <paramref name="predicate"/>.</summary>
    /// <param name="source">The stream; subscribed when this method is called, unsubscribed once it returns.</param>
    /// <param name="predicate">The condition.</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> when null.</param>
    /// <exception cref="TimeoutException">No value satisfied it in time.</exception>
    /// <exception cref="InvalidOperationException">The stream completed before a value satisfied it.</exception>
    public static Task<T> WhenAsync<T>(this IObservable<T> source, Func<T, bool> predicate, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(predicate);
        return WithinAsync(source.Where(predicate).FirstAsync(), timeout, "a value that satisfies the condition");
    }

    /// <summary>The first <paramref name="count"/> values of <paramref name="source"/>, in order.</summary>
    /// <param name="source">The stream; subscribed when this method is called, unsubscribed once it returns.</param>
    /// <param name="count">How many values.</param>
    /// <param name="timeout">How long to wait for all of them; <see cref="DefaultTimeout"/> when null.</param>
    /// <exception cref="TimeoutException">Fewer arrived in time (the message says how many did).</exception>
    public static Task<IList<T>> TakeAsync<T>(this IObservable<T> source, int count, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var arrived = 0;
        return WithinAsync(
            source.Take(count).Do(_ => Interlocked.Increment(ref arrived)).ToList(),
            timeout,
            () => string.Create(CultureInfo.InvariantCulture, $"{count} values ({Volatile.Read(ref arrived)} arrived)"));
    }

    private static Task<T> WithinAsync<T>(IObservable<T> wait, TimeSpan? timeout, string what) => WithinAsync(wait, timeout, () => what);

    private static async Task<T> WithinAsync<T>(IObservable<T> wait, TimeSpan? timeout, Func<string> what)
    {
        var limit = timeout ?? DefaultTimeout;
        using var expiry = new CancellationTokenSource(limit);
        var waiting = wait.ToTask(expiry.Token);
        try
        {
            // Resumed on the thread pool, never inline on the thread that produced the value (a client's read loop):
            // the test goes on beside the client, not inside the client's delivery of that value. Rx completes the
            // task on that thread, where an await already registered would resume; a continuation queued to the pool
            // is awaited instead (ForceYielding alone only covers a task complete before the await).
            await waiting.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
                .ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            return await waiting.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Waited {limit.TotalSeconds:0.###} s for {what()}."));
        }
    }
}

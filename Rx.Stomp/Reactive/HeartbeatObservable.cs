using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Rx.Stomp.Reactive;

/// <summary>
/// Heart-beat operators: watching the broker's side of the connection for silence, and telling when the client's
/// side needs a beat. Both are pure: every clock reading goes through the given <see cref="IScheduler"/>.
/// </summary>
public static class HeartbeatObservable
{
    /// <summary>
    /// The default grace on incoming beats: the broker is declared dead after 1.5 × the negotiated interval of
    /// silence (stomp.py's <c>heart_beat_receive_scale</c>).
    /// </summary>
    public const double DefaultReceiveScale = 1.5;

    /// <summary>
    /// The default fraction of the negotiated interval after which an outgoing beat is due: 0.8.
    /// </summary>
    /// <remarks>
    /// The specification asks the client to send "at least every" interval, and some brokers enforce it with no
    /// grace (ActiveMQ before 5.9 closed the connection on a beat that was slightly late). A beat sent exactly at the
    /// interval (what stomp.py does) arrives late by the timer's lateness, the thread pool's, a GC pause and the
    /// network's latency. Sending once 80 % of the interval is idle leaves a fifth of it (2 s of 10 s) for all of
    /// that, at the cost of 25 % more beats on an idle connection: a beat is one byte.
    /// </remarks>
    public const double DefaultSendScale = 0.8;

    /// <summary>
    /// Mirrors <paramref name="activity"/>, and fails with <see cref="HeartbeatTimeoutException"/> once nothing has
    /// arrived for <paramref name="interval"/> × <paramref name="scale"/>.
    /// </summary>
    /// <typeparam name="T">Whatever counts as activity: a heart-beat, a frame, a chunk of bytes.</typeparam>
    /// <param name="activity">
    /// Everything the broker sends: the caller maps every read (frames and bare end-of-lines alike) to an element.
    /// </param>
    /// <param name="interval">The negotiated receive interval; <see cref="TimeSpan.Zero"/> means no beats are due and the result never times out.</param>
    /// <param name="scheduler">The clock and the timer.</param>
    /// <param name="scale">The grace factor, at least 1; see <see cref="DefaultReceiveScale"/>.</param>
    /// <returns>
    /// The activity, unchanged, until it ends or the deadline passes. The deadline starts at subscription and restarts
    /// at each element; the error comes exactly at it, and the subscription to <paramref name="activity"/> is disposed.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative interval, or a scale below 1 or not finite.</exception>
    public static IObservable<T> ExpectHeartbeats<T>(this IObservable<T> activity, TimeSpan interval, IScheduler scheduler, double scale = DefaultReceiveScale)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        if (!double.IsFinite(scale) || scale < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The receive scale must be a finite number of at least 1.");
        }

        if (interval == TimeSpan.Zero)
        {
            return activity;
        }

        var deadline = interval * scale;
        return Observable.Defer(() =>
        {
            var lastTicks = scheduler.Now.UtcTicks;
            return activity
                .Do(_ => Volatile.Write(ref lastTicks, scheduler.Now.UtcTicks))
                .Timeout(
                    deadline,
                    Observable.Defer(() => Observable.Throw<T>(
                        new HeartbeatTimeoutException(interval, TimeSpan.FromTicks(scheduler.Now.UtcTicks - Volatile.Read(ref lastTicks))))),
                    scheduler);
        });
    }

    /// <summary>
    /// The moments an outgoing heart-beat is due: a tick whenever nothing has been written for
    /// <paramref name="interval"/> × <paramref name="sendScale"/>. The caller writes an end-of-line at each tick.
    /// </summary>
    /// <typeparam name="T">Whatever marks a write.</typeparam>
    /// <param name="writes">One element per outbound write (frames and beats alike).</param>
    /// <param name="interval">The negotiated send interval; <see cref="TimeSpan.Zero"/> means never.</param>
    /// <param name="scheduler">The timer.</param>
    /// <param name="sendScale">The fraction of the interval after which a beat is due, in (0, 1]; see <see cref="DefaultSendScale"/>.</param>
    /// <returns>
    /// Ticks, the first one <c>interval × sendScale</c> after subscription or after the last write, then one every
    /// <c>interval × sendScale</c> while nothing else is written (a tick counts as the write it asks for, so feeding the
    /// beat back into <paramref name="writes"/> is harmless but not needed). It ends, or fails, when
    /// <paramref name="writes"/> does.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative interval, or a scale outside (0, 1].</exception>
    public static IObservable<Unit> HeartbeatsDue<T>(this IObservable<T> writes, TimeSpan interval, IScheduler scheduler, double sendScale = DefaultSendScale)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        if (!(sendScale > 0.0 && sendScale <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(sendScale), sendScale, "The send scale must be more than 0 and at most 1.");
        }

        if (interval == TimeSpan.Zero)
        {
            return writes.IgnoreElements().Select(_ => Unit.Default);
        }

        var period = interval * sendScale;
        if (period < TimeSpan.FromTicks(1))
        {
            period = TimeSpan.FromTicks(1);
        }

        return writes.Publish(shared => shared
            .Select(_ => Unit.Default)
            .StartWith(Unit.Default)
            .Select(_ => Observable.Interval(period, scheduler))
            .Switch()
            .Select(_ => Unit.Default)
            .TakeUntil(shared.LastOrDefaultAsync()));
    }
}

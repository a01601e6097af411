using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// The negotiated heart-beats of one connection: an EOL whenever nothing was written for most of the send interval,
/// and the end of the connection when nothing was read for <c>scale × receive interval</c> while the reader was free
/// to read. Both watch the connection's counters on a coarse sampling clock, so the data path pays nothing per frame.
/// </summary>
internal static class ConnectionHeartbeats
{
    public static IDisposable Start(StompConnection connection, TimeSpan send, TimeSpan receive, StompClientOptions options, ErrorStream errors)
    {
        var scheduler = options.Scheduler;
        var beats = new CompositeDisposable();
        if (send > TimeSpan.Zero)
        {
            // Sampling every tenth of the interval delays a due beat by at most that: beats still leave by 0.9 × interval.
            beats.Add(Observable.Interval(send / 10, scheduler)
                .Select(_ => connection.FramesWritten)
                .DistinctUntilChanged()
                .HeartbeatsDue(send, scheduler)
                .Subscribe(beat => { _ = connection.WriteHeartbeatAsync(); }));
        }

        if (receive > TimeSpan.Zero)
        {
            beats.Add(SignsOfLife(connection, receive / 10, scheduler)
                .ExpectHeartbeats(receive, scheduler, options.Heartbeat.ReceiveScale)
                .Subscribe(_ => { }, error =>
                {
                    if (error is HeartbeatTimeoutException timeout)
                    {
                        errors.Report(StompErrorKind.HeartbeatTimeout, timeout);
                        connection.Abort(timeout);
                    }
                }));
        }

        return beats;
    }

    /// <summary>
    /// A tick of <paramref name="every"/> on which the connection showed life: bytes were read since the last tick, or
    /// the reader is inside an observer (then it reads nothing, and the silence is the client's, not the broker's).
    /// </summary>
    private static IObservable<long> SignsOfLife(StompConnection connection, TimeSpan every, IScheduler scheduler) =>
        Observable.Defer(() =>
        {
            var last = connection.BytesRead;
            return Observable.Interval(every, scheduler).Where(_ =>
            {
                var read = connection.BytesRead;
                var alive = read != last || connection.IsDelivering;
                last = read;
                return alive;
            });
        });
}

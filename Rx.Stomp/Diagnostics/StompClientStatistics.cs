using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Diagnostics;

/// <summary>A client's statistics, derived from its streams.</summary>
public static class StompClientStatistics
{
    /// <summary>Each countable event of <paramref name="client"/>, as it happens. Hot.</summary>
    public static IObservable<StatisticKind> StatisticEvents(this StompClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Observable.Merge(
            client.State
                .Select(s => s.Kind == ConnectionStateKind.Connected)
                .DistinctUntilChanged()
                .Skip(1)
                .Select(connected => connected ? StatisticKind.Connection : StatisticKind.Disconnect),
            client.Errors.Where(e => e.Kind is StompErrorKind.ErrorFrame or StompErrorKind.HeartbeatTimeout)
                .Select(e => e.Kind == StompErrorKind.ErrorFrame ? StatisticKind.Error : StatisticKind.HeartbeatTimeout),
            client.Messages.Select(_ => StatisticKind.MessageReceived),
            client.Sent.Where(f => f.Command == StompCommand.Send).Select(_ => StatisticKind.MessageSent),
            client.Heartbeats.Select(_ => StatisticKind.HeartbeatReceived));
    }

    /// <summary>
    /// The counts since subscription: <see cref="StompStatistics.Zero"/> at once, then a new snapshot after every
    /// event (throttle or sample it for display).
    /// </summary>
    public static IObservable<StompStatistics> Statistics(this StompClient client) =>
        client.StatisticEvents().Scan(StompStatistics.Zero, (counts, kind) => counts.With(kind)).StartWith(StompStatistics.Zero);
}

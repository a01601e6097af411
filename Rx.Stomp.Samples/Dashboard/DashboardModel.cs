using System.Collections.Immutable;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Linq;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>
/// The dashboard without a screen: snapshots computed from the client's streams, one per interval on a scheduler,
/// so that tests drive it in virtual time.
/// </summary>
internal static class DashboardModel
{
    private const int PreviewLength = 40;

    /// <summary>The snapshots of a client watching <paramref name="destinations"/>; subscribing subscribes to them.</summary>
    public static IObservable<DashboardSnapshot> Snapshots(StompClient client, IReadOnlyList<string> destinations, TimeSpan interval, IScheduler scheduler) =>
        Snapshots(client.State, destinations.Select(d => client.Watch(d).Select(m => new DashboardMessage(d, Preview(m)))).Merge(), destinations, interval, scheduler);

    /// <summary>
    /// A snapshot every <paramref name="interval"/>: the latest state, and per destination the count, the rate over
    /// the interval and the latest message. <paramref name="states"/> must give its current value on subscription.
    /// </summary>
    public static IObservable<DashboardSnapshot> Snapshots(IObservable<ConnectionState> states, IObservable<DashboardMessage> messages, IReadOnlyList<string> destinations, TimeSpan interval, IScheduler scheduler)
    {
        var totals = messages
            .Scan(ImmutableDictionary<string, (long Count, string Last)>.Empty, (all, m) =>
                all.SetItem(m.Destination, (all.TryGetValue(m.Destination, out var t) ? t.Count + 1 : 1, m.Preview)))
            .StartWith(ImmutableDictionary<string, (long Count, string Last)>.Empty);
        return Observable.Interval(interval, scheduler)
            .WithLatestFrom(states.CombineLatest(totals, (state, counts) => (state, counts)), (tick, latest) => (Update: tick + 1, latest.state, latest.counts))
            .Scan(new DashboardSnapshot(0, ConnectionState.Initial, []), (previous, now) => new DashboardSnapshot(
                now.Update,
                now.state,
                destinations.Select(d =>
                {
                    var (count, last) = now.counts.TryGetValue(d, out var t) ? t : (0, null!);
                    var before = previous.Rows.FirstOrDefault(r => r.Destination == d)?.Count ?? 0;
                    return new DestinationRow(d, count, (count - before) / interval.TotalSeconds, last);
                }).ToList()));
    }

    private static string Preview(StompMessage message)
    {
        string text;
        try
        {
            text = message.MediaType() is { IsText: false } ? $"({message.Body.Length} bytes)" : message.Text();
        }
        catch (StompBodyException)
        {
            text = $"({message.Body.Length} bytes, unknown charset)";
        }

        text = text.ReplaceLineEndings(" ");
        return text.Length <= PreviewLength ? text : text[..(PreviewLength - 1)] + "…";
    }
}

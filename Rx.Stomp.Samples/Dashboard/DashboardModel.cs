using System.Collections.Immutable;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using DynamicData;
using Rx.Stomp.Binding;
using Rx.Stomp.Client;
using Rx.Stomp.Linq;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>
/// The dashboard's sources, without a screen: change sets computed from the client's streams on a scheduler, so
/// that tests drive them in virtual time.
/// </summary>
internal static class DashboardModel
{
    private const int PreviewLength = 40;

    /// <summary>The messages of one watch per destination, stamped with <paramref name="scheduler"/>'s time.</summary>
    public static IObservable<DashboardMessage> Messages(StompClient client, IReadOnlyList<string> destinations, IScheduler scheduler) =>
        destinations.Select(d => client.Watch(d).Select(m => new DashboardMessage(scheduler.Now, d, Preview(m)))).Merge();

    /// <summary>
    /// One row per destination (there from the start, with no message), updated every <paramref name="interval"/>:
    /// the count so far, the rate over the interval, the latest message. Messages to other destinations are ignored.
    /// </summary>
    public static IObservable<IChangeSet<DestinationRow, string>> Destinations(IObservable<DashboardMessage> messages, IReadOnlyList<string> destinations, TimeSpan interval, IScheduler scheduler)
    {
        var watched = destinations.ToHashSet(StringComparer.Ordinal);
        var totals = messages
            .Where(m => watched.Contains(m.Destination))
            .Scan(ImmutableDictionary<string, DestinationRow>.Empty, (all, m) =>
                all.SetItem(m.Destination, new DestinationRow(m.Destination, (all.TryGetValue(m.Destination, out var row) ? row.Count : 0) + 1, 0, m.Preview)))
            .StartWith(ImmutableDictionary<string, DestinationRow>.Empty);
        var empty = destinations.Select(d => new DestinationRow(d, 0, 0, null)).ToList();
        return Observable.Interval(interval, scheduler)
            .WithLatestFrom(totals, (_, now) => now)
            .Scan(empty, (previous, now) => previous
                .Select(before => now.TryGetValue(before.Destination, out var row)
                    ? row with { Rate = (row.Count - before.Count) / interval.TotalSeconds }
                    : before with { Rate = 0 })
                .ToList())
            .StartWith(empty)
            .SelectMany(rows => rows)
            .LatestByKey(r => r.Destination, scheduler);
    }

    /// <summary>The last <paramref name="size"/> messages, oldest first.</summary>
    public static IObservable<IChangeSet<DashboardMessage>> Log(IObservable<DashboardMessage> messages, int size) =>
        messages.RollingLog(size);

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

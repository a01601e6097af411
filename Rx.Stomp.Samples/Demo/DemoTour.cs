using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Samples.Demo;

/// <summary>
/// The scenes of the demo, each narrated and each checked: a scene that does not see what it shows throws, and
/// the demo fails with a non-zero exit code rather than telling a story that did not happen.
/// </summary>
internal sealed class DemoTour(StompBroker broker, StompClient client, Narrator narrator)
{
    private const string Readings = "/topic/rxstomp.demo.readings";
    private const string Orders = "/queue/rxstomp.demo.orders";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await LinqAsync(cancellationToken);
        using var orders = new Inbox(client, Orders, narrator);
        await ReceiptAsync(orders, cancellationToken);
        await TransactionsAsync(orders, cancellationToken);
        await HealingAsync(orders, cancellationToken);
    }

    /// <summary>Where, Select and Buffer over a watch: the average of every three boiler readings.</summary>
    private async Task LinqAsync(CancellationToken cancellationToken)
    {
        await narrator.SceneAsync("LINQ over messages", cancellationToken);
        narrator.Say($"client.Watch(\"{Readings}\") is a cold IObservable: Subscribe() sends SUBSCRIBE, Dispose() UNSUBSCRIBE.");
        narrator.Say("The query keeps the boiler's readings (Where), parses them (Select) and averages every three (Buffer).");
        var averages = client.Watch(Readings)
            .Where(m => m.Headers["sensor"] == "boiler")
            .Select(m => double.Parse(m.GetBodyText(), CultureInfo.InvariantCulture))
            .Buffer(3)
            .Select(three => three.Average())
            .Do(average => narrator.Saw("average of 3 boiler readings:", average.ToString("0.0", CultureInfo.InvariantCulture)))
            .Take(2)
            .ToList()
            .ToTask(cancellationToken);

        var readings = new[] { ("boiler", 71), ("porch", 12), ("boiler", 73), ("boiler", 75), ("porch", 11), ("boiler", 80), ("boiler", 82), ("boiler", 84) };
        foreach (var (sensor, value) in readings)
        {
            var options = new SendOptions { Headers = StompHeaders.Create(("sensor", sensor)) };
            await client.SendAsync(Readings, value.ToString(CultureInfo.InvariantCulture), options, cancellationToken);
        }

        narrator.Say($"Sent {readings.Length} readings from two sensors.");
        var seen = await Bounded(averages, "the averages", cancellationToken);
        Expect(seen.SequenceEqual([73.0, 82.0]), $"averages 73.0 and 82.0, not {string.Join(", ", seen)}");
    }

    /// <summary>A SEND with a receipt: the await completes when the broker's RECEIPT says it has the message.</summary>
    private async Task ReceiptAsync(Inbox orders, CancellationToken cancellationToken)
    {
        await narrator.SceneAsync("A receipted send", cancellationToken);
        narrator.Say($"SendAsync with Receipt = true completes on the broker's RECEIPT; a watch on {Orders} prints what arrives.");
        await client.SendAsync(Orders, "order 1", new SendOptions { Receipt = true }, cancellationToken);
        narrator.Saw("RECEIPT", "the broker has 'order 1'");
        Expect(await orders.NextAsync(cancellationToken) == "order 1", "'order 1' on the watch");
    }

    /// <summary>A committed transaction delivers its sends; an aborted one never does.</summary>
    private async Task TransactionsAsync(Inbox orders, CancellationToken cancellationToken)
    {
        await narrator.SceneAsync("Transactions", cancellationToken);
        narrator.Say("BEGIN, two SENDs, COMMIT: the broker holds the sends until the commit, then delivers both.");
        await using (var committed = await client.BeginTransactionAsync(cancellationToken: cancellationToken))
        {
            await committed.SendAsync(Orders, "order 2", cancellationToken: cancellationToken);
            await committed.SendAsync(Orders, "order 3", cancellationToken: cancellationToken);
            await committed.CommitAsync(cancellationToken: cancellationToken);
            narrator.Saw("RECEIPT", "COMMIT confirmed");
        }

        Expect(await orders.NextAsync(cancellationToken) == "order 2", "'order 2' after the commit");
        Expect(await orders.NextAsync(cancellationToken) == "order 3", "'order 3' after the commit");

        narrator.Say("BEGIN, a SEND, ABORT: the send is discarded. A receipted 'order 5' follows it.");
        await using (var aborted = await client.BeginTransactionAsync(cancellationToken: cancellationToken))
        {
            await aborted.SendAsync(Orders, "order 4 (aborted)", cancellationToken: cancellationToken);
            await aborted.AbortAsync(cancellationToken: cancellationToken);
            narrator.Saw("RECEIPT", "ABORT confirmed");
        }

        await client.SendAsync(Orders, "order 5", new SendOptions { Receipt = true }, cancellationToken);
        var next = await orders.NextAsync(cancellationToken);
        Expect(next == "order 5", $"'order 5' next, not '{next}'");
        narrator.Say("The aborted 'order 4' never arrived: the next message on the queue was 'order 5'.");
    }

    /// <summary>The broker drops the connection; the client reconnects and re-subscribes the same watch by itself.</summary>
    private async Task HealingAsync(Inbox orders, CancellationToken cancellationToken)
    {
        await narrator.SceneAsync("A dropped connection heals", cancellationToken);
        narrator.Say("broker.Faults.DropAllConnections() resets the TCP connection, as a crash or a cut cable would.");
        var healed = client.State
            .SkipWhile(s => s.Kind == ConnectionStateKind.Connected)
            .Do(s => narrator.Saw("state:", s.ToString()))
            .FirstAsync(s => s.Kind == ConnectionStateKind.Connected)
            .ToTask(cancellationToken);
        Expect(broker.Faults.DropAllConnections() == 1, "one connection to drop");
        await Bounded(healed, "the reconnection", cancellationToken);

        narrator.Say("Reconnected: the watch was subscribed again, with its id, before anything else was sent.");
        await client.SendAsync(Orders, "order 6", new SendOptions { Receipt = true }, cancellationToken);
        Expect(await orders.NextAsync(cancellationToken) == "order 6", "'order 6' on the same watch after the reconnect");
    }

    private static async Task<T> Bounded<T>(Task<T> task, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(Patience, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new StompTimeoutException($"The demo waited {Patience.TotalSeconds} s for {what} in vain.", e);
        }
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new StompException($"The demo expected {what}.");
        }
    }
}

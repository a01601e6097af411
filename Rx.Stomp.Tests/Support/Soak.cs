using System.Globalization;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Linq;

namespace Rx.Stomp.Tests.Support;

/// <summary>What a soak run measured.</summary>
/// <param name="Ledger">What the consumer received: every delivery on the wire.</param>
/// <param name="Application">What reached the consumer's application, behind <see cref="Deduplication.DropDuplicates"/>.</param>
/// <param name="Filter">The de-duplication's keys and counts.</param>
/// <param name="Resends">Sends repeated after a lost receipt.</param>
/// <param name="Faults">Faults injected.</param>
/// <param name="ProducerReconnects">Connections the producer opened again.</param>
/// <param name="ConsumerReconnects">Connections the consumer opened again.</param>
/// <param name="HeapSamples">Bytes on the GC heap after a full collection, at each tenth of the messages received.</param>
/// <param name="Elapsed">Wall time of the run.</param>
internal sealed record SoakResult(DeliveryLedger Ledger, DeliveryLedger Application, DuplicateFilter Filter, int Resends, int Faults, int ProducerReconnects, int ConsumerReconnects, IReadOnlyList<long> HeapSamples, TimeSpan Elapsed)
{
    /// <summary>Heap growth from the first sample to the last.</summary>
    public long HeapGrowth => HeapSamples[^1] - HeapSamples[0];

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Ledger.Total} messages in {Elapsed.TotalSeconds:0} s, {Faults} faults injected, reconnects: producer {ProducerReconnects}, consumer {ConsumerReconnects}, " +
        $"{Resends} sends repeated; on the wire: {Ledger}; to the application: {Application.Received} received, {Application.Duplicates} duplicates " +
        $"(filter: {Filter}); heap after full GC at each tenth (MB): {string.Join(" ", HeapSamples.Select(b => (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)))}");
}

/// <summary>
/// A soak: <see cref="AtLeastOnce"/> messaging of many messages through one queue while a fault is injected over and
/// over, with the heap sampled after full collections along the way.
/// </summary>
internal static class Soak
{
    /// <summary>Sends at once (each waits for its receipt), so that the run is bound by the broker, not by round trips.</summary>
    public const int Concurrency = 64;

    /// <summary>
    /// The de-duplication's window on <paramref name="consumer"/>'s clock: a duplicate comes within seconds of its first delivery (a redelivery once the consumer
    /// is back, a resend once the producer is), a few thousand messages later at most; 20,000 keys (about 2.5 MB) and a
    /// minute cover that many times over, and the window is full long before the last heap sample.
    /// </summary>
    public static DuplicateFilter NewWindow(StompClient consumer) => new(20_000, TimeSpan.FromMinutes(1), consumer.Options.Scheduler);

    /// <summary>
    /// Runs <paramref name="total"/> messages from <paramref name="producer"/> to <paramref name="consumer"/> (both
    /// connected) through <paramref name="destination"/>, calling <paramref name="injectFault"/> <paramref name="faults"/>
    /// times, evenly as the messages arrive (after a tenth, two tenths… of them for nine faults): however fast the
    /// machine, every fault lands while messages flow. Fails if the run takes longer than <paramref name="limit"/>.
    /// </summary>
    public static async Task<SoakResult> RunAsync(StompClient producer, StompClient consumer, string destination, int total,
        Func<Task> injectFault, int faults, TimeSpan limit)
    {
        // Measures the run's duration for its report; it synchronises nothing (the ledger's waits do).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var producerLog = new ClientLog(producer);
        using var consumerLog = new ClientLog(consumer);

        var ledger = new DeliveryLedger(total);
        var application = new DeliveryLedger(total);
        var filter = NewWindow(consumer);
        using var consuming = AtLeastOnce.ConsumeOnce(consumer, destination, ledger, filter, application);
        var sampling = SampleHeapAsync(ledger);
        var sending = AtLeastOnce.SendAllAsync(producer, destination, total, Concurrency, persistent: false);
        using var stop = new CancellationTokenSource(limit);
        try
        {
            for (var fault = 1; fault <= faults; fault++)
            {
                await ledger.WhenReceived((int)((long)total * fault / (faults + 1))).WaitAsync(stop.Token).ConfigureAwait(false);
                await injectFault().ConfigureAwait(false);
            }

            await ledger.All.WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Assert.Fail($"Not every message arrived within {limit}: {ledger}; missing {string.Join(", ", ledger.Missing())}…");
        }

        var resends = await sending.WaitAsync(limit).ConfigureAwait(false);
        var heap = await sampling.WaitAsync(limit).ConfigureAwait(false);
        return new SoakResult(ledger, application, filter, resends, faults, producerLog.Reconnects, consumerLog.Reconnects, heap, clock.Elapsed);
    }

    private static async Task<IReadOnlyList<long>> SampleHeapAsync(DeliveryLedger ledger)
    {
        var samples = new List<long>();
        for (var tenth = 1; tenth <= 10; tenth++)
        {
            await ledger.WhenReceived((int)((long)ledger.Total * tenth / 10)).ConfigureAwait(false);
            samples.Add(GC.GetTotalMemory(forceFullCollection: true));
        }

        return samples;
    }
}

using System.Globalization;

namespace Rx.Stomp.Samples.Bench;

/// <summary>Prints the bench's figures as Markdown tables, ready for the README.</summary>
internal sealed class BenchReport(TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void Header(string target, long count, int size, int trips, int repeat)
    {
        Line($"Target: {target}; {count:N0} messages of {size} B, {trips:N0} round trips, {repeat} repetition(s); {Environment.ProcessorCount} cores.");
        Line();
        Line("| run | publish msg/s | consume msg/s | rtt p50 µs | rtt p99 µs | raw publish | raw consume | raw p50 | raw p99 |");
        Line("|---|---|---|---|---|---|---|---|---|");
    }

    public void Repetition(int repetition, BenchRun run) =>
        Line($"| {repetition} | {Rate(run.Publish.MessagesPerSecond)} | {Rate(run.Consume.MessagesPerSecond)} | {Micros(run.RoundTrips.P50Micros)} | {Micros(run.RoundTrips.P99Micros)} " +
             $"| {Rate(run.Raw?.Publish.MessagesPerSecond)} | {Rate(run.Raw?.Consume.MessagesPerSecond)} | {Micros(run.Raw?.RoundTrips.P50Micros)} | {Micros(run.Raw?.RoundTrips.P99Micros)} |");

    /// <summary>The medians, with the client's cost per message and its ratio to the raw client.</summary>
    public void Summary(IReadOnlyList<BenchRun> runs)
    {
        Line();
        Line($"Medians of {runs.Count} run(s):");
        Line();
        Line("| workload | Rx.Stomp | raw C | Rx.Stomp / raw C | CPU µs/msg | bytes allocated/msg |");
        Line("|---|---|---|---|---|---|");
        var size = runs[0].Size;
        Throughput($"publish {size} B", runs, r => r.Publish, r => r.Raw?.Publish);
        Throughput($"consume {size} B", runs, r => r.Consume, r => r.Raw?.Consume);
        var p50 = Stats.Median(runs.Select(r => r.RoundTrips.P50Micros ?? 0));
        var p99 = Stats.Median(runs.Select(r => r.RoundTrips.P99Micros ?? 0));
        var rawP50 = Stats.MedianOrNull(runs.Select(r => r.Raw?.RoundTrips.P50Micros));
        var rawP99 = Stats.MedianOrNull(runs.Select(r => r.Raw?.RoundTrips.P99Micros));
        var cpu = Stats.Median(runs.Select(r => r.RoundTrips.CpuMicrosPerMessage ?? 0));
        var allocated = Stats.Median(runs.Select(r => r.RoundTrips.BytesAllocatedPerMessage ?? 0));
        Line($"| rtt p50 | {Micros(p50)} µs | {Micros(rawP50)} µs | {Times(p50, rawP50)} | {Fixed(cpu)} per trip | {allocated.ToString("N0", Invariant)} per trip |");
        Line($"| rtt p99 | {Micros(p99)} µs | {Micros(rawP99)} µs | {Times(p99, rawP99)} | | |");
        Line();
        Memory();
    }

    /// <summary>Whether memory stayed flat: the peak working set does not grow with the number of messages if it did.</summary>
    private void Memory()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        Line($"Memory: peak working set {process.PeakWorkingSet64 / (1024 * 1024)} MiB, managed heap {GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024)} MiB after the runs, {GC.CollectionCount(2)} gen-2 collections.");
        Line();
    }

    public void SweepHeader(long bytesPerRun)
    {
        Line($"Throughput against body size (medians; each size moves up to {bytesPerRun / (1024 * 1024)} MiB per run):");
        Line();
        Line("| body size × messages | publish MB/s | raw publish MB/s | ratio | consume MB/s | raw consume MB/s | ratio |");
        Line("|---|---|---|---|---|---|---|");
    }

    public void SweepPoint(SweepPoint point) =>
        Line($"| {Bytes(point.Size)} × {point.Messages:N0} | {MegaBytes(point.Publish, point.Size)} | {MegaBytes(point.RawPublish, point.Size)} | {Percent(point.Publish, point.RawPublish)} " +
             $"| {MegaBytes(point.Consume, point.Size)} | {MegaBytes(point.RawConsume, point.Size)} | {Percent(point.Consume, point.RawConsume)} |");

    private void Throughput(string name, IReadOnlyList<BenchRun> runs, Func<BenchRun, Figures> client, Func<BenchRun, Figures?> raw)
    {
        var rate = Stats.Median(runs.Select(r => client(r).MessagesPerSecond));
        var rawRate = Stats.MedianOrNull(runs.Select(r => raw(r)?.MessagesPerSecond));
        var cpu = Stats.Median(runs.Select(r => client(r).CpuMicrosPerMessage ?? 0));
        var allocated = Stats.Median(runs.Select(r => client(r).BytesAllocatedPerMessage ?? 0));
        Line($"| {name} | {Rate(rate)} msg/s | {Rate(rawRate)} msg/s | {Percent(rate, rawRate)} | {Fixed(cpu)} | {allocated.ToString("N1", Invariant)} |");
    }

    /// <summary>Bytes with a binary unit, as body sizes are given.</summary>
    public static string Bytes(int size) => size switch
    {
        >= 1024 * 1024 when size % (1024 * 1024) == 0 => $"{size / (1024 * 1024)} MiB",
        >= 1024 when size % 1024 == 0 => $"{size / 1024} KiB",
        >= 1_000_000 when size % 1_000_000 == 0 => $"{size / 1_000_000} MB",
        _ => $"{size} B",
    };

    private static string Rate(double? rate) => rate is { } r ? r.ToString("N0", Invariant) : "—";

    private static string Micros(double? micros) => micros is { } m ? m.ToString("N0", Invariant) : "—";

    private static string Fixed(double value) => value.ToString("0.00", Invariant);

    private static string MegaBytes(double? rate, int size) => rate is { } r ? (r * size / 1e6).ToString("N0", Invariant) : "—";

    private static string Percent(double value, double? limit) => limit is { } l ? (value / l).ToString("P0", Invariant) : "—";

    private static string Times(double value, double? limit) => limit is { } l ? (value / l).ToString("0.00", Invariant) + "×" : "—";

    private void Line(string text = "") => output.WriteLine(text);
}

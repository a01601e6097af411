using System.Globalization;

namespace Rx.Stomp.Samples.Bench;

/// <summary>Prints the bench's figures as Markdown tables, ready for the README.</summary>
internal sealed class BenchReport(TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>What is measured, how the run was warmed up (<paramref name="warmUp"/>), then the head of the table of repetitions.</summary>
    public void Header(string target, long count, int size, int trips, int repeat, string warmUp)
    {
        Line($"Target: {target}; {count:N0} messages of {size} B, {trips:N0} round trips, {repeat} repetition(s); {Environment.ProcessorCount} cores.");
        Line(warmUp);
        Line();
        Line("| run | publish msg/s | consume msg/s | rtt p50 µs | rtt p99 µs | CPU µs/msg publish, consume | raw publish | raw consume | raw p50 | raw p99 | raw CPU µs/msg publish, consume | JIT ms |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    public void Repetition(int repetition, BenchRun run) =>
        Line($"| {repetition} | {Rate(run.Publish.MessagesPerSecond)} | {Rate(run.Consume.MessagesPerSecond)} | {Micros(run.RoundTrips.P50Micros)} | {Micros(run.RoundTrips.P99Micros)} " +
             $"| {Fixed(run.Publish.CpuMicrosPerMessage)}, {Fixed(run.Consume.CpuMicrosPerMessage)} " +
             $"| {Rate(run.Raw?.Publish.MessagesPerSecond)} | {Rate(run.Raw?.Consume.MessagesPerSecond)} | {Micros(run.Raw?.RoundTrips.P50Micros)} | {Micros(run.Raw?.RoundTrips.P99Micros)} " +
             $"| {Fixed(run.Raw?.Publish.CpuMicrosPerMessage)}, {Fixed(run.Raw?.Consume.CpuMicrosPerMessage)} | {run.Jit.TotalMilliseconds.ToString("N0", Invariant)} |");

    /// <summary>
    /// The medians, with the client's cost per message and its ratios to the raw client; through a broker
    /// (<paramref name="throughBroker"/>) also issue 12's targets, met or not.
    /// </summary>
    public void Summary(IReadOnlyList<BenchRun> runs, bool throughBroker)
    {
        Line();
        Line($"Medians of {runs.Count} run(s):");
        Line();
        Line("| workload | Rx.Stomp | raw C | Rx.Stomp / raw C | CPU µs/msg | raw C CPU µs/msg | CPU / raw C | bytes allocated/msg |");
        Line("|---|---|---|---|---|---|---|---|");
        var size = runs[0].Size;
        var publish = Medians.Of(runs, r => r.Publish, r => r.Raw?.Publish);
        var consume = Medians.Of(runs, r => r.Consume, r => r.Raw?.Consume);
        Throughput($"publish {size} B", publish);
        Throughput($"consume {size} B", consume);
        var rtt = Medians.Of(runs, r => r.RoundTrips, r => r.Raw?.RoundTrips);
        Line($"| rtt p50 | {Micros(rtt.P50)} µs | {Micros(rtt.RawP50)} µs | {Times(rtt.P50, rtt.RawP50)} | {Fixed(rtt.Cpu)} per trip | — | — | {rtt.Allocated.ToString("N0", Invariant)} per trip |");
        Line($"| rtt p99 | {Micros(rtt.P99)} µs | {Micros(rtt.RawP99)} µs | {Times(rtt.P99, rtt.RawP99)} | | | | |");
        Line();
        if (throughBroker && publish.RawRate is not null)
        {
            Targets(publish, consume, rtt);
        }

        Memory();
    }

    /// <summary>Issue 12's "done when" through a broker, each with its figure.</summary>
    private void Targets(Medians publish, Medians consume, Medians rtt)
    {
        Line("Targets through a broker (issue 12), medians, raw C in the same run:");
        Line();
        Target("consume rate ≥ 95 % of raw C", Percent(consume.Rate, consume.RawRate), AtLeast(consume.Rate, 0.95, consume.RawRate));
        Target("publish rate ≥ 95 % of raw C", Percent(publish.Rate, publish.RawRate), AtLeast(publish.Rate, 0.95, publish.RawRate));
        Target("rtt p50 ≤ 1.2× raw C", Times(rtt.P50, rtt.RawP50), AtMost(rtt.P50, 1.2, rtt.RawP50));
        Target("CPU per consumed message ≤ 1.25× raw C's", $"{Times(consume.Cpu, consume.RawCpu)} ({Fixed(consume.Cpu)} against {Fixed(consume.RawCpu)} µs)", AtMost(consume.Cpu, 1.25, consume.RawCpu));
        Target("CPU per published message ≤ 1 µs", $"{Fixed(publish.Cpu)} µs", AtMost(publish.Cpu, 1.0, 1.0));
        Line();
    }

    private static bool? AtLeast(double value, double factor, double? limit) => limit is { } l ? value >= factor * l : null;

    private static bool? AtMost(double value, double factor, double? limit) => limit is { } l ? value <= factor * l : null;

    private void Target(string target, string value, bool? met) =>
        Line($"- {target}: {value}, {(met is null ? "not measured" : met.Value ? "met" : "**not met**")}");

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

    private void Throughput(string name, Medians medians) =>
        Line($"| {name} | {Rate(medians.Rate)} msg/s | {Rate(medians.RawRate)} msg/s | {Percent(medians.Rate, medians.RawRate)} " +
             $"| {Fixed(medians.Cpu)} | {Fixed(medians.RawCpu)} | {Times(medians.Cpu, medians.RawCpu)} | {medians.Allocated.ToString("N1", Invariant)} |");

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

    private static string Fixed(double? value) => value is { } v ? v.ToString("0.00", Invariant) : "—";

    private static string MegaBytes(double? rate, int size) => rate is { } r ? (r * size / 1e6).ToString("N0", Invariant) : "—";

    private static string Percent(double value, double? limit) => limit is { } l ? (value / l).ToString("P0", Invariant) : "—";

    private static string Times(double value, double? limit) => limit is { } l ? (value / l).ToString("0.00", Invariant) + "×" : "—";

    private void Line(string text = "") => output.WriteLine(text);
}

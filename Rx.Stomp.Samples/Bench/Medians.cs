namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// One workload's medians across repetitions, the client's and the raw client's (null when not compared, or not
/// printed by raw_limit): each figure on its own, so that noise in one run does not pick the others.
/// </summary>
internal sealed record Medians(double Rate, double? RawRate, double Cpu, double? RawCpu, double Allocated, double P50, double? RawP50, double P99, double? RawP99)
{
    public static Medians Of(IReadOnlyList<BenchRun> runs, Func<BenchRun, Figures> client, Func<BenchRun, Figures?> raw) => new(
        Stats.Median(runs.Select(r => client(r).MessagesPerSecond)),
        Stats.MedianOrNull(runs.Select(r => raw(r)?.MessagesPerSecond)),
        Stats.Median(runs.Select(r => client(r).CpuMicrosPerMessage ?? 0)),
        Stats.MedianOrNull(runs.Select(r => raw(r)?.CpuMicrosPerMessage)),
        Stats.Median(runs.Select(r => client(r).BytesAllocatedPerMessage ?? 0)),
        Stats.Median(runs.Select(r => client(r).P50Micros ?? 0)),
        Stats.MedianOrNull(runs.Select(r => raw(r)?.P50Micros)),
        Stats.Median(runs.Select(r => client(r).P99Micros ?? 0)),
        Stats.MedianOrNull(runs.Select(r => raw(r)?.P99Micros)));
}

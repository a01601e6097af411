namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// One repetition: the client's three workloads and, when compared, the raw client's; <paramref name="Jit"/> is the
/// time the JIT spent compiling during it (its CPU counts in the figures of whatever workload it overlapped).
/// </summary>
internal sealed record BenchRun(int Size, Figures Publish, Figures Consume, Figures RoundTrips, RawFigures? Raw, TimeSpan Jit = default);

/// <summary>Throughput at one body size, in messages per second; the raw figures are null when not compared.</summary>
internal sealed record SweepPoint(int Size, long Messages, double Publish, double Consume, double? RawPublish, double? RawConsume)
{
    public static SweepPoint Median(IReadOnlyList<SweepPoint> points) => new(points[0].Size, points[0].Messages,
        Stats.Median(points.Select(p => p.Publish)), Stats.Median(points.Select(p => p.Consume)),
        Stats.MedianOrNull(points.Select(p => p.RawPublish)), Stats.MedianOrNull(points.Select(p => p.RawConsume)));
}

/// <summary>Medians across repetitions: each figure on its own, so noise in one run does not pick the others.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToArray();
        return present.Length == 0 ? null : Median(present);
    }
}

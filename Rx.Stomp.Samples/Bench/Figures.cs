namespace Rx.Stomp.Samples.Bench;

/// <summary>What one workload measured: rate, client CPU and allocation per message, and latency for round trips.</summary>
/// <param name="Messages">Messages (or round trips) timed.</param>
/// <param name="Seconds">Wall-clock time of the timed part.</param>
/// <param name="CpuMicrosPerMessage">Process CPU time per message, or null when not measured (the raw C client).</param>
/// <param name="BytesAllocatedPerMessage">Managed bytes allocated per message, or null when not measured.</param>
/// <param name="P50Micros">Median round trip (rtt only).</param>
/// <param name="P99Micros">99th percentile round trip (rtt only).</param>
internal sealed record Figures(long Messages, double Seconds, double? CpuMicrosPerMessage, double? BytesAllocatedPerMessage, double? P50Micros = null, double? P99Micros = null)
{
    public double MessagesPerSecond => Messages / Seconds;
}

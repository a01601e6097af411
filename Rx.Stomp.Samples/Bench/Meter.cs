using System.Diagnostics;

namespace Rx.Stomp.Samples.Bench;

/// <summary>Measures one timed part: wall clock, this process's CPU time and its managed allocations (all threads).</summary>
internal readonly struct Meter
{
    private readonly long _started;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;

    private Meter(long started, TimeSpan cpu, long allocated)
    {
        _started = started;
        _cpu = cpu;
        _allocated = allocated;
    }

    public static Meter Start()
    {
        // Allocation first and the clock last, so that reading the counters is not timed.
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        return new Meter(Stopwatch.GetTimestamp(), cpu, allocated);
    }

    public Figures Stop(long messages, double? p50 = null, double? p99 = null)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpu;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        return new Figures(messages, elapsed.TotalSeconds, cpu.TotalMicroseconds / messages, (double)allocated / messages, p50, p99);
    }
}

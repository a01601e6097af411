using System.Diagnostics;
using System.Runtime;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// The untimed runs before the first repetition, so that the repetitions measure the client, not the JIT. The runtime
/// compiles a method again after 30 calls, and with dynamic PGO twice (instrumented, then optimized), in a background
/// thread whose CPU is charged to whatever is timed then. Code that runs once per connection (connect, subscribe,
/// disconnect) reaches that count only after dozens of connections: with one warm-up run it was still being
/// recompiled in the fifth repetition, 75–180 ms of JIT per repetition, most of it inside the publish workload
/// (1.2–1.6 µs of CPU per SEND through RabbitMQ instead of 0.6–0.9).
/// </summary>
internal static class WarmUp
{
    /// <summary>Short runs of the three workloads, each on a connection of its own: past both of the JIT's counts.</summary>
    private const int ConnectionCycles = 100;

    /// <summary>How long the JIT must compile nothing before the repetitions start.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait for <see cref="Quiet"/>, so a runtime that keeps compiling does not stop the bench.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// <see cref="ConnectionCycles"/> short runs, then one publish and one consume of <paramref name="count"/>
    /// messages (at most 100,000), then a wait until the JIT has been quiet for <see cref="Quiet"/>.
    /// </summary>
    /// <returns>What was run, for the report.</returns>
    public static async Task<string> RunAsync(ClientWorkloads workloads, string queue, long count, int size, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        for (var cycle = 0; cycle < ConnectionCycles; cycle++)
        {
            await workloads.PublishAsync(queue, 10, size, cancellationToken);
            await workloads.ConsumeAsync(queue, 10, size, cancellationToken);
            await workloads.RoundTripsAsync(queue, 10, cancellationToken);
        }

        var messages = Math.Min(count, 100_000);
        await workloads.PublishAsync(queue, messages, size, cancellationToken);
        await workloads.ConsumeAsync(queue, messages, size, cancellationToken);

        var waited = Stopwatch.StartNew();
        for (var compiled = -1L; JitInfo.GetCompiledMethodCount() != compiled && waited.Elapsed < MaxWait;)
        {
            compiled = JitInfo.GetCompiledMethodCount();
            await Task.Delay(Quiet, cancellationToken);
        }

        return $"Warm-up, untimed: {ConnectionCycles} connections per workload, {messages:N0} messages each way, " +
               $"then the JIT quiet for {Quiet.TotalMilliseconds:0} ms ({started.Elapsed.TotalSeconds:0.0} s in all).";
    }
}

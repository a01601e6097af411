namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// <c>rxstomp bench</c>, run as a process with small counts: the tables it prints, its own null peer, the raw C client
/// beside it, the chart. Its figures are not checked here: speed is measured by the bench, never asserted in a timed test.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RxStompBenchTests
{
    [Test]
    public async Task Against_the_embedded_broker_it_prints_the_three_workloads_with_cost_per_message()
    {
        using var bench = await RxStompProcess.RunAsync("bench", "-n", "2000", "-r", "20");

        Assert.That(bench.ExitCode, Is.EqualTo(0), bench.Transcript);
        Assert.That(bench.Output, Does.Contain("embedded broker"));
        Assert.That(bench.Stdout, Has.Some.Match(@"^Warm-up, untimed: 100 connections per workload, 2,000 messages each way, then the JIT quiet for 500 ms \(\d+\.\d s in all\)\.$"), bench.Transcript);
        foreach (var row in new[] { "| publish 128 B | ", "| consume 128 B | ", "| rtt p50 | ", "| rtt p99 | " })
        {
            Assert.That(bench.Stdout, Has.Some.StartsWith(row), bench.Transcript);
        }

        Assert.That(bench.Output, Does.Contain("Memory: peak working set"));
    }

    [Test]
    public async Task Against_its_own_null_peer_it_needs_nothing_but_the_clone_and_draws_the_sweep()
    {
        var chart = Path.Combine(Path.GetTempPath(), $"rxstomp-bench-{Guid.NewGuid():N}.png");
        try
        {
            using var bench = await RxStompProcess.RunAsync("bench", "--peer", "-n", "20000", "-r", "20", "--sizes", "128,65536", "--chart", chart, "--no-warm-up");

            Assert.That(bench.ExitCode, Is.EqualTo(0), bench.Transcript);
            Assert.That(bench.Stdout[0], Does.StartWith("Target: null peer (rxstomp null-peer on port "), bench.Transcript);
            Assert.That(bench.Stdout[1], Does.StartWith("No warm-up"), bench.Transcript);
            Assert.That(bench.Stdout.Single(l => l.StartsWith("| publish 128 B | ", StringComparison.Ordinal)), Does.Match(@"^\| publish 128 B \| [\d,]+ msg/s \| — msg/s \| — \| \d+\.\d\d \|"), "a rate and CPU per message, no raw client");
            Assert.That(bench.Stdout, Has.Some.StartsWith("| 64 KiB × "), bench.Transcript);
            var png = await File.ReadAllBytesAsync(chart);
            Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        }
        finally
        {
            File.Delete(chart);
        }
    }

    [Test]
    public async Task Beside_the_raw_client_it_prints_ratios_and_the_raw_clients_CPU_per_message()
    {
        var shared = SharedBench();

        using var bench = await RxStompProcess.RunAsync("bench", "--peer", "--compare", shared, "-n", "20000", "-r", "20");

        Assert.That(bench.ExitCode, Is.EqualTo(0), bench.Transcript);
        foreach (var workload in new[] { "publish", "consume" })
        {
            // | publish 128 B | rate | raw rate | ratio | CPU | raw C CPU | CPU ratio | allocated |
            var cells = bench.Stdout.Single(l => l.StartsWith($"| {workload} 128 B | ", StringComparison.Ordinal)).Split(" | ");
            Assert.That(cells[3], Does.Match(@"^\d+ %$"), $"a ratio to the raw client: {bench.Transcript}");
            Assert.That(cells[5], Does.Match(@"^\d+\.\d\d$"), $"raw_limit's cpu_us: {bench.Transcript}");
            Assert.That(cells[6], Does.Match(@"^\d+\.\d\d×$"), $"CPU per message as a ratio: {bench.Transcript}");
        }
    }

    [Test]
    public async Task A_chart_without_a_sweep_is_a_usage_error()
    {
        using var bench = await RxStompProcess.RunAsync("bench", "--chart", "x.png");

        Assert.That(bench.ExitCode, Is.EqualTo(1), bench.Transcript);
        Assert.That(bench.Stderr.Single(), Does.Contain("--chart").And.Contain("--sizes"));
    }

    /// <summary>
    /// The shared bench directory beside the repository (as CI lays it out), with a C compiler to build it: the
    /// reference the project's own figures are checked against. A clone alone has neither, and the test says so.
    /// </summary>
    private static string SharedBench()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "bench");
            if (File.Exists(Path.Combine(candidate, "raw_peer.c")))
            {
                return candidate;
            }
        }

        SkippedFixtures.Skip("no shared/bench directory (raw_limit.c) beside the repository, so no raw C client to compare with; the bench itself is tested against its own null peer.");
        return "";
    }
}

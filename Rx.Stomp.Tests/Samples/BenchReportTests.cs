using Rx.Stomp.Samples.Bench;

namespace Rx.Stomp.Tests.Samples;

/// <summary>The bench's reading of raw_limit and its summary: CPU per message beside raw C's, ratios, and issue 12's targets.</summary>
public sealed class BenchReportTests
{
    private const string RawOutput = """
        publish 50000 1.826 27371 cpu_us=0.41
        consume 50000 1.842 27149 cpu_us=9.20
        rtt 2000 p50_us=85 p99_us=160
        """;

    [Test]
    public void Raw_limit_output_gives_rates_latencies_and_its_CPU_per_message()
    {
        var raw = RawFigures.Parse(RawOutput);

        Assert.That((raw.Publish.Messages, raw.Publish.Seconds, raw.Publish.CpuMicrosPerMessage), Is.EqualTo((50000L, 1.826, 0.41)));
        Assert.That(raw.Consume.CpuMicrosPerMessage, Is.EqualTo(9.20));
        Assert.That((raw.RoundTrips.P50Micros, raw.RoundTrips.P99Micros), Is.EqualTo((85.0, 160.0)));
        Assert.That(RawFigures.Parse("publish 1 1 1\nconsume 1 1 1\nrtt 1 p50_us=1 p99_us=1").Consume.CpuMicrosPerMessage, Is.Null, "an older raw_limit prints no cpu_us");
    }

    [Test]
    public void Through_a_broker_the_summary_shows_CPU_ratios_and_which_of_issue_12s_targets_are_met()
    {
        // Publish at 96 % of raw C with 0.8 µs; consume at 57 % with 45 µs against 9.2 µs; rtt p50 1.82×.
        var run = new BenchRun(128,
            new Figures(50000, 50000 / 26_276.0, 0.8, 48),
            new Figures(50000, 50000 / 15_475.0, 45.0, 384),
            new Figures(2000, 1, 60, 800, 155, 300),
            RawFigures.Parse(RawOutput));
        var text = new StringWriter();

        new BenchReport(text).Summary([run], throughBroker: true);

        var lines = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines, Has.Some.StartsWith("| consume 128 B | 15,475 msg/s | 27,144 msg/s | 57 % | 45.00 | 9.20 | 4.89× | "));
        Assert.That(lines, Does.Contain("- consume rate ≥ 95 % of raw C: 57 %, **not met**"));
        Assert.That(lines, Does.Contain("- publish rate ≥ 95 % of raw C: 96 %, met"));
        Assert.That(lines, Does.Contain("- rtt p50 ≤ 1.2× raw C: 1.82×, **not met**"));
        Assert.That(lines, Does.Contain("- CPU per consumed message ≤ 1.25× raw C's: 4.89× (45.00 against 9.20 µs), **not met**"));
        Assert.That(lines, Does.Contain("- CPU per published message ≤ 1 µs: 0.80 µs, met"));
    }

    [Test]
    public void A_repetition_shows_the_time_the_JIT_compiled_during_it()
    {
        var run = new BenchRun(128, new Figures(10, 1, 0.5, 48), new Figures(10, 1, 0.5, 384), new Figures(10, 1, 60, 800, 50, 90),
            RawFigures.Parse(RawOutput), TimeSpan.FromMilliseconds(1234.4));
        var text = new StringWriter();

        new BenchReport(text).Repetition(2, run);

        Assert.That(text.ToString().TrimEnd(), Does.StartWith("| 2 | 10 | 10 | 50 | 90 | 0.50, 0.50 | 27,382 | 27,144 | 85 | 160 | 0.41, 9.20 |").And.EndWith("| 1,234 |"));
    }

    [Test]
    public void Against_a_null_peer_or_without_the_raw_client_no_targets_are_judged()
    {
        var run = new BenchRun(128, new Figures(10, 1, 0.5, 48), new Figures(10, 1, 0.5, 384), new Figures(10, 1, 60, 800, 50, 90), null);
        var text = new StringWriter();

        new BenchReport(text).Summary([run], throughBroker: true);

        Assert.That(text.ToString(), Does.Not.Contain("Targets"));
    }
}

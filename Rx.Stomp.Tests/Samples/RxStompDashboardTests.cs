using System.Globalization;
using System.Text.RegularExpressions;

namespace Rx.Stomp.Tests.Samples;

/// <summary><c>rxstomp dashboard</c> as a process, on the embedded broker it starts itself, with its output redirected.</summary>
[TestFixture]
public sealed partial class RxStompDashboardTests
{
    [Test]
    public async Task It_prints_the_requested_number_of_updates_with_a_row_per_destination_and_exits_0()
    {
        using var run = await RxStompProcess.RunAsync("dashboard", "/topic/one", "/topic/two", "--updates", "4", "--interval", "250");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Transcript);
        var stdout = string.Join('\n', run.Stdout);
        Assert.That(UpdatePattern().Matches(stdout).Select(m => m.Groups[1].Value), Is.EqualTo(new[] { "1", "2", "3", "4" }), run.Transcript);
        Assert.That(Regex.Count(stdout, "Connected to 127.0.0.1"), Is.EqualTo(4), run.Transcript);
        var counts = RowPattern().Matches(stdout).Select(m => (m.Groups["d"].Value, long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.That(counts.Select(c => c.Item1), Is.EqualTo(Enumerable.Repeat(new[] { "/topic/one", "/topic/two" }, 4).SelectMany(x => x)), run.Transcript);
        foreach (var destination in new[] { "/topic/one", "/topic/two" })
        {
            var series = counts.Where(c => c.Item1 == destination).Select(c => c.Item2).ToList();
            Assert.That(series, Is.Ordered, $"counts of {destination} only grow\n{run.Transcript}");
        }

        Assert.That(counts.Sum(c => c.Item2), Is.GreaterThan(0), "the embedded broker's demo traffic reached the rows\n" + run.Transcript);
        Assert.That(run.Stderr, Is.Empty, run.Transcript);
    }

    [Test]
    public async Task A_bad_interval_exits_1_naming_the_option()
    {
        using var run = await RxStompProcess.RunAsync("dashboard", "--interval", "often");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Transcript);
        Assert.That(run.Stderr.Single(), Does.Contain("--interval"));
    }

    [GeneratedRegex(@"rxstomp dashboard — update (\d+)")]
    private static partial Regex UpdatePattern();

    [GeneratedRegex(@"│ (?<d>/topic/\w+)\s+│\s+(?<n>\d+) │")]
    private static partial Regex RowPattern();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// <c>rxstomp dashboard</c> as a process, on the embedded broker it starts itself, with its output redirected: without
/// a terminal it draws its Terminal.Gui screen off-screen (ANSI driver) and prints it at every update.
/// </summary>
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
        var lastScreen = string.Join('\n', run.Stdout.SkipWhile(l => !l.Contains("update 4", StringComparison.Ordinal)));
        Assert.That(WatchPattern().Matches(lastScreen).Select(m => m.Groups["d"].Value), Is.EquivalentTo(new[] { "/topic/one", "/topic/two" }), "each watch shown subscribed\n" + run.Transcript);
        Assert.That(run.Stderr, Is.Empty, run.Transcript);
    }

    [Test]
    [Category(Brokers.Broker.ExternalCategory)]
    public async Task Given_a_broker_address_it_watches_that_broker_instead()
    {
        var rabbit = Brokers.Broker.RabbitMq;
        await rabbit.RequireAsync();

        using var run = await RxStompProcess.RunAsync(["dashboard", "/topic/rxstomp-dashboard-test", "--updates", "2", "--interval", "200", .. rabbit.Args]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Transcript);
        var stdout = string.Join('\n', run.Stdout);
        Assert.That(UpdatePattern().Count(stdout), Is.EqualTo(2), run.Transcript);
        Assert.That(stdout, Does.Contain($"Connected to {rabbit.Endpoint}").And.Contain("server RabbitMQ/"), run.Transcript);
        Assert.That(RowPattern().Count(stdout), Is.EqualTo(2), run.Transcript);
    }

    [Test]
    public async Task Each_printed_screen_shows_the_latest_messages_newest_first()
    {
        using var run = await RxStompProcess.RunAsync("dashboard", "/topic/one", "--updates", "3", "--interval", "300");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Transcript);
        var last = string.Join('\n', run.Stdout.SkipWhile(l => !l.Contains("update 3", StringComparison.Ordinal)));
        var logged = LogPattern().Matches(last).Select(m => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.That(logged, Is.Not.Empty, run.Transcript);
        Assert.That(logged, Is.Ordered.Descending, "newest first\n" + run.Transcript);
    }

    [Test]
    public async Task The_help_describes_the_dashboard()
    {
        using var run = await RxStompProcess.RunAsync("--help");

        Assert.That(run.Stdout.SingleOrDefault(l => l.TrimStart().StartsWith("dashboard", StringComparison.Ordinal)), Does.Contain("Terminal.Gui"), run.Transcript);
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

    /// <summary>A row of the destinations table inside the window: destination, then count.</summary>
    [GeneratedRegex(@"││(?<d>/topic/[\w.-]+)\s*│(?<n>\d+)\s*│")]
    private static partial Regex RowPattern();

    /// <summary>A row of the log: time, destination, and the demo traffic's "message N to …".</summary>
    [GeneratedRegex(@"││\d\d:\d\d:\d\d│/topic/[\w.-]+\s*│message (?<n>\d+) to")]
    private static partial Regex LogPattern();

    /// <summary>A row of the watches table: id, destination, Subscribed.</summary>
    [GeneratedRegex(@"││[\w-]+\s*│(?<d>/topic/[\w.-]+)\s*│Subscribed")]
    private static partial Regex WatchPattern();
}

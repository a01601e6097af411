using System.ComponentModel;
using System.Globalization;
using Rx.Stomp.Samples.Cli;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>The arguments of <c>rxstomp dashboard</c>.</summary>
internal sealed class DashboardSettings : ConnectionSettings
{
    /// <summary>What the dashboard watches when no destination is given.</summary>
    public static readonly string[] DefaultDestinations = ["/topic/dashboard.orders", "/topic/dashboard.prices"];

    [CommandArgument(0, "[destinations]")]
    [Description("Destinations to watch, one row each (default: /topic/dashboard.orders /topic/dashboard.prices).")]
    public string[] Destinations { get; set; } = [];

    [CommandOption("--interval <MS>")]
    [Description("Milliseconds between updates (default 1000).")]
    public string Interval { get; set; } = "1000";

    [CommandOption("--updates <N>")]
    [Description("Exit 0 after N updates (default: run until Ctrl+C).")]
    public string? Updates { get; set; }

    /// <summary>Whether no broker was named: then the dashboard runs the embedded broker, with traffic of its own.</summary>
    public bool UsesEmbeddedBroker => Url is null && Host is null && Port is null;

    /// <summary>The destinations to watch.</summary>
    public IReadOnlyList<string> ParseDestinations() => Destinations.Length == 0 ? DefaultDestinations : Destinations;

    /// <exception cref="UsageException">Not a positive number of milliseconds.</exception>
    public TimeSpan ParseInterval() =>
        int.TryParse(Interval, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw new UsageException($"--interval: '{Interval}' is not a positive number of milliseconds.");

    /// <exception cref="UsageException">Not a positive number.</exception>
    public int? ParseUpdates() =>
        Updates is null ? null
        : int.TryParse(Updates, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new UsageException($"--updates: '{Updates}' is not a positive number of updates.");
}

using System.ComponentModel;
using System.Globalization;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Listen;

/// <summary>The arguments of <c>rxstomp listen</c>.</summary>
internal sealed class ListenSettings : ConnectionSettings
{
    [CommandArgument(0, "<destination>")]
    [Description("Where to subscribe, e.g. /queue/orders or /topic/prices.")]
    public string Destination { get; set; } = "";

    [CommandOption("--count <N>")]
    [Description("Exit 0 after N messages (default: run until Ctrl+C).")]
    public string? Count { get; set; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("Exit 3 unless the N messages of --count (or, without --count, a first message) arrive within SECONDS.")]
    public string? Timeout { get; set; }

    [CommandOption("--ack <MODE>")]
    [Description("auto (default), client or client-individual; with client modes each message is acked after it is printed.")]
    public string Ack { get; set; } = "auto";

    [CommandOption("--json")] // Descriptions are Spectre markup: [[ and ]] print [ and ].
    [Description("One JSON line per message on stdout: {\"command\":\"MESSAGE\",\"headers\":[[[[\"name\",\"value\"]],...]],\"body_base64\":\"...\"}.")]
    public bool Json { get; set; }

    /// <summary>--count, or <see langword="null"/> to run until Ctrl+C.</summary>
    /// <exception cref="UsageException">Not a positive integer.</exception>
    public int? ParseCount() =>
        Count is null ? null
        : int.TryParse(Count, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count
        : throw new UsageException($"--count: '{Count}' is not a positive number of messages.");

    /// <summary>--timeout, or <see langword="null"/> for none.</summary>
    /// <exception cref="UsageException">Not a positive number of seconds.</exception>
    public TimeSpan? ParseTimeout() =>
        Timeout is null ? null
        : double.TryParse(Timeout, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= int.MaxValue / 1000.0
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"--timeout: '{Timeout}' is not a positive number of seconds.");

    /// <exception cref="UsageException">Not an ack mode.</exception>
    public AckMode ParseAck()
    {
        try
        {
            return AckModes.Parse(Ack);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--ack: {e.Message}", e);
        }
    }
}

using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell.Commands;

/// <summary>The commands about the shell itself: stats, run, wait, version, quit.</summary>
internal static class ControlCommands
{
    public static readonly ShellVerb Stats = new(
        "stats", "stats [on|off]", "Count messages, receipts, errors and heart-beats; print the counts.",
        "'stats on' starts counting from zero, 'stats off' stops, and 'stats' alone prints the counts.",
        [ArgumentKind.OnOff], 0, StatsAsync);

    public static readonly ShellVerb Run = new(
        "run", "run <file>", "Run the commands in a file, one per line.",
        "Empty lines and lines starting with # are skipped; a failing line is reported (file:line) and the file goes on.",
        [ArgumentKind.Path], 1, (shell, args, ct) => shell.RunFileAsync(args[0], ct));

    public static readonly ShellVerb Wait = new(
        "wait", "wait <count> [seconds]", "Wait until <count> messages in all have been printed (rxstomp's own).",
        "For scripts: makes the next command run only once earlier messages arrived. Fails after the seconds\n"
        + "(default 10).",
        [ArgumentKind.Text, ArgumentKind.Text], 1, WaitAsync);

    public static readonly ShellVerb Version = new(
        "version", "version", "Print the versions of rxstomp, Rx.Stomp and the STOMP protocol in use.", "",
        [], 0, VersionAsync)
    {
        Aliases = ["ver"],
    };

    public static readonly ShellVerb Quit = new(
        "quit", "quit", "Leave the shell (also exit, or end of input: Ctrl+D).",
        "Aborts an open transaction, then disconnects (DISCONNECT waits for the broker's RECEIPT).",
        [], 0, QuitAsync)
    {
        Aliases = ["exit", "EOF"],
    };

    private static Task StatsAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        switch (args.Optional(0))
        {
            case null:
                shell.Output.Line(shell.Stats.IsOn ? shell.Stats.ToString() : "Statistics are off: 'stats on' starts counting.");
                break;
            case "on":
                shell.Stats.On();
                shell.Output.Line("Counting from now.");
                break;
            case "off":
                shell.Stats.Off();
                shell.Output.Line("Stopped counting.");
                break;
            default:
                throw new UsageException("Usage: " + Stats.Usage);
        }

        return Task.CompletedTask;
    }

    private static async Task WaitAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        var count = int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new UsageException($"wait: '{args[0]}' is not a positive number of messages.");
        var seconds = args.Optional(1) is { } text
            ? double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 86_400 ? s
                : throw new UsageException($"wait: '{text}' is not a number of seconds.")
            : 10;
        var printed = 0;
        try
        {
            await shell.Incoming.Printed.Do(p => printed = p).FirstAsync(p => p >= count).ToTask(cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(seconds), cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new StompTimeoutException($"wait: {printed} of {count} messages within {seconds} s.", e);
        }
    }

    private static Task VersionAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        var protocol = shell.Client.Version is { } version ? "STOMP " + version.ToWire() : "not connected";
        shell.Output.Line($"{ProgramVersion.Text}, {protocol}");
        return Task.CompletedTask;
    }

    private static Task QuitAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        shell.RequestQuit();
        return Task.CompletedTask;
    }
}

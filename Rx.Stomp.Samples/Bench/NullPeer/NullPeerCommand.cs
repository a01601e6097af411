using System.ComponentModel;
using System.Globalization;
using Rx.Stomp.Samples.Cli;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Bench.NullPeer;

/// <summary>
/// <c>rxstomp null-peer</c> (hidden): the bench's null peer (<see cref="NullPeerSession"/>) in a process of its own,
/// so that its CPU never counts as the client's. It prints <c>listening on 127.0.0.1:PORT</c> and serves until its
/// stdin closes (the bench that started it ended) or Ctrl+C.
/// </summary>
[Description("The null peer of 'rxstomp bench --peer': a STOMP peer that costs almost nothing, on 127.0.0.1.")]
internal sealed class NullPeerCommand : AsyncCommand<NullPeerCommand.Settings>
{
    /// <summary>The first line the null peer prints; the port follows.</summary>
    public const string Listening = "listening on 127.0.0.1:";

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var server = new NullPeerServer(settings.Port);
        await Console.Out.WriteLineAsync(Listening + server.Port.ToString(CultureInfo.InvariantCulture));
        await Console.Out.FlushAsync(cancellationToken);
        try
        {
            if (Console.IsInputRedirected)
            {
                await Console.OpenStandardInput().CopyToAsync(Stream.Null, cancellationToken);
            }
            else
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C.
        }

        return ExitCodes.Success;
    }

    /// <summary>The options of <c>rxstomp null-peer</c>.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("The port on 127.0.0.1 (default 0: one the system picks, printed).")]
        public int Port { get; set; }
    }
}

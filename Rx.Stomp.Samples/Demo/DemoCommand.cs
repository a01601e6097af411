using System.ComponentModel;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Demo;

/// <summary>With no command: starts the embedded broker in this process and narrates a tour of the client against it.</summary>
[Description("With no command: a narrated demo against an embedded broker started in this process (nothing to install). " + ExitCodes.Help)]
internal sealed class DemoCommand : AsyncCommand<DemoSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
    {
        var narrator = new Narrator(AnsiConsole.Console);
        try
        {
            await using var broker = await StompBroker.StartAsync(cancellationToken: cancellationToken);
            narrator.Say($"Started the embedded broker (Rx.Stomp.Broker) in this process on {broker.Endpoint}.");
            var options = new StompClientOptions { Endpoints = [broker.Endpoint], ReceiptTimeout = TimeSpan.FromSeconds(10) };
            await using var client = new StompClient(options);
            await client.ConnectAsync(cancellationToken);
            narrator.Saw("state:", client.CurrentState.ToString());

            await new DemoTour(broker, client, narrator).RunAsync(cancellationToken);

            await client.DisconnectAsync(cancellationToken);
            narrator.Done("Done: disconnected (DISCONNECT waited for its RECEIPT) and stopped the broker.");
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ErrorLine.Write("Interrupted.", []);
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (Failure.ExitCodeOf(e) is { } code)
        {
            ErrorLine.Write(e.Message, []);
            return code;
        }
    }
}

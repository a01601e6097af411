using Microsoft.Extensions.Logging;
using Rx.Stomp.Client;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Cli;

/// <summary>
/// A command that talks to a broker: builds the client options from the connection settings, runs, and turns
/// failures into one line on stderr and an exit code (<see cref="ExitCodes"/>).
/// </summary>
internal abstract class ClientCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : ConnectionSettings
{
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        using var loggerFactory = settings.CreateLoggerFactory();
        var secrets = new List<string?> { settings.Password };
        try
        {
            var options = settings.ToClientOptions(loggerFactory);
            secrets.Add(options.Passcode);
            return await RunAsync(settings, options, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(ExitCodes.Interrupted, "Interrupted.", secrets);
        }
        catch (Exception e) when (Failure.ExitCodeOf(e) is { } code)
        {
            return Fail(code, e.Message, secrets);
        }
    }

    /// <summary>Runs the command; throws <see cref="UsageException"/> or a <see cref="StompException"/> to fail.</summary>
    protected abstract Task<int> RunAsync(TSettings settings, StompClientOptions options, CancellationToken cancellationToken);

    private static int Fail(int code, string message, IEnumerable<string?> secrets)
    {
        ErrorLine.Write(message, secrets);
        return code;
    }
}

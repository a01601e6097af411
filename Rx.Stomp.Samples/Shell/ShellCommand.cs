using System.ComponentModel;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;
using Rx.Stomp.Samples.Shell.Input;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// <c>rxstomp shell</c>: stomp.py's interactive client. Commands come from the prompt (a terminal), from redirected
/// stdin, or from a file (-F); -L only listens.
/// </summary>
[Description("An interactive STOMP client with stomp.py's commands ('help' inside lists them). "
    + "With -F or redirected input, exits with the code of the first failure. " + ExitCodes.Help)]
internal sealed class ShellCommand : ClientCommand<ShellSettings>
{
    /// <summary>After a script, how long without a new message counts as "nothing more is coming".</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    protected override async Task<int> RunAsync(ShellSettings settings, StompClientOptions options, CancellationToken cancellationToken)
    {
        if (settings.ShowVersion)
        {
            Console.Out.WriteLine(ProgramVersion.Text);
            return ExitCodes.Success;
        }

        var wait = settings.ParseWait();
        var output = new ShellOutput(Console.Out, Console.Error);
        await using var client = new StompClient(options);
        await client.ConnectAsync(cancellationToken);
        output.Notice(client.CurrentState.ToString());

        var files = new ReceivedFiles(settings.SaveDirectory);
        var session = new ShellSession(client, output, files, settings.Verbose, [settings.Password, options.Passcode]);
        int code;
        try
        {
            code = await RunAsync(settings, session, output, wait, cancellationToken);
        }
        finally
        {
            await session.DisposeAsync();
        }

        // Also after Ctrl+C, which -L expects: DISCONNECT is bounded by the options' DisconnectTimeout.
        await client.DisconnectAsync(CancellationToken.None);
        return code;
    }

    private static async Task<int> RunAsync(ShellSettings settings, ShellSession session, ShellOutput output, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (settings.Listen is { } destination)
        {
            return await ListenAsync(session, destination, cancellationToken);
        }

        if (settings.File is { } file)
        {
            await session.RunFileAsync(file, cancellationToken);
            await session.DrainAsync(Quiet, wait, cancellationToken);
            return session.ExitCode;
        }

        var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        IShellInput input = interactive
            ? new LineEditor(output, new Completer(session), () => Console.ReadKey(intercept: true))
            : new RedirectedInput(Console.In);
        if (interactive)
        {
            output.Notice("Type 'help' for the commands, Tab to complete, Ctrl+D or 'quit' to leave.");
            output.SetPrompt((IPromptLine)input);
        }

        try
        {
            while (!session.QuitRequested && await input.ReadLineAsync(cancellationToken) is { } line)
            {
                await session.ExecuteAsync(line, cancellationToken);
            }
        }
        finally
        {
            output.SetPrompt(null);
        }

        if (interactive)
        {
            return ExitCodes.Success;
        }

        await session.DrainAsync(Quiet, wait, cancellationToken);
        return session.ExitCode;
    }

    /// <summary>-L: subscribes and prints until Ctrl+C (exit 0) or until the subscription ends (its failure's code).</summary>
    private static async Task<int> ListenAsync(ShellSession session, string destination, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("subscribe " + destination, cancellationToken);
        if (session.ExitCode != ExitCodes.Success)
        {
            return session.ExitCode;
        }

        var ended = session.Client.State.FirstAsync(s => s.Kind is ConnectionStateKind.Faulted or ConnectionStateKind.Disposed).ToTask(CancellationToken.None);
        try
        {
            await ended.WaitAsync(cancellationToken);
            return session.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
    }
}

using Spectre.Console;

namespace Rx.Stomp.Samples.Send;

/// <summary>
/// Runs the sends of <c>rxstomp send --count N</c> under a progress bar on stderr when stderr is a terminal and N is
/// more than one; otherwise runs them with no output at all, so that redirected output stays clean.
/// </summary>
internal static class SendProgress
{
    public static async Task RunAsync(int count, Func<int, Task> sendAsync, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (count == 1 || Console.IsErrorRedirected || !console.Profile.Capabilities.Interactive)
        {
            for (var i = 0; i < count; i++)
            {
                await sendAsync(i);
            }

            return;
        }

        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask($"Sending {count} messages", maxValue: count);
                for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
                {
                    await sendAsync(i);
                    bar.Increment(1);
                }
            });
    }
}

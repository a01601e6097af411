using System.Diagnostics;

namespace Rx.Stomp.Tests.Support;

/// <summary>Runs a program to its end with its output collected, bounded in time.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Starts <paramref name="start"/> (its output redirected here) and waits for its exit; past <paramref name="limit"/>
    /// it is killed with its children and a <see cref="TimeoutException"/> carries what it printed.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan limit)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {limit.TotalSeconds} s.\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}

using System.Diagnostics;

namespace Rx.Stomp.Tests.Support;

/// <summary>The repository's shell scripts, run from tests: found above the test assembly, run with bash, bounded in time.</summary>
internal static class Scripts
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>The path in <paramref name="variable"/> if set, else <c>scripts/<paramref name="name"/></c> found above the test assembly.</summary>
    public static string Locate(string variable, string name) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured
            ? configured
            : Find(name) ?? throw new InvalidOperationException($"scripts/{name} not found; set {variable}.");

    /// <summary>Runs <c>bash script args…</c> and returns its stdout; fails the test on a non-zero exit or after two minutes.</summary>
    public static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var command = $"{Path.GetFileName(script)} {string.Join(' ', args)}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{command} did not finish within {Limit.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            Assert.Fail($"{command} exited {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }

    private static string? Find(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

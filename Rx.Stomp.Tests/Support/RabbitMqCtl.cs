using System.Diagnostics;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// Runs <c>rabbitmqctl</c> against the test node (through <c>scripts/rabbitmqctl.sh</c>, or the path in
/// <c>RXSTOMP_RABBITMQCTL</c>): the way tests inject real broker faults.
/// </summary>
internal static class RabbitMqCtl
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The script, from the environment or found above the test assembly.</summary>
    public static string Script =>
        Environment.GetEnvironmentVariable("RXSTOMP_RABBITMQCTL") is { Length: > 0 } configured
            ? configured
            : FindScript() ?? throw new InvalidOperationException("scripts/rabbitmqctl.sh not found; set RXSTOMP_RABBITMQCTL.");

    /// <summary>Runs <c>rabbitmqctl args…</c> and returns its stdout; fails the test on a non-zero exit.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(start, Limit);
        if (exitCode != 0)
        {
            Assert.Fail($"rabbitmqctl {string.Join(' ', args)} exited {exitCode}: {stderr}");
        }

        return stdout;
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", "rabbitmqctl.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

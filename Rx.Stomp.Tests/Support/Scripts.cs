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
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(start, Limit);
        if (exitCode != 0)
        {
            Assert.Fail($"{Path.GetFileName(script)} {string.Join(' ', args)} exited {exitCode}: {stderr}{stdout}");
        }

        return stdout;
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

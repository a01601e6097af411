using System.Collections.Concurrent;

namespace Rx.Stomp.Tests;

/// <summary>
/// What the run skipped for want of something outside this repository (a real broker, the shared bench directory),
/// said once more at the very end of the run, one line per fixture with the reason, so that a plain
/// <c>dotnet test</c> without brokers cannot pass for a full run. In the root namespace of the tests: it wraps them all.
/// </summary>
[SetUpFixture]
public sealed class SkippedFixtures
{
    private static readonly ConcurrentDictionary<string, string> Skipped = new();

    /// <summary>Skips the current fixture (from a one-time set-up) or test, and records it for the summary.</summary>
    /// <exception cref="IgnoreException">Always: that is how NUnit skips.</exception>
    public static void Skip(string reason)
    {
        Skipped[TestContext.CurrentContext.Test.FullName] = reason;
        Assert.Ignore(reason);
    }

    /// <summary>The summary: on the error stream, which <c>dotnet test</c> shows at every verbosity (scripts/test.sh repeats it).</summary>
    [OneTimeTearDown]
    public void Report()
    {
        if (Skipped.IsEmpty)
        {
            return;
        }

        var lines = Skipped.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"SKIPPED {s.Key}: {s.Value}");
        TestContext.Error.WriteLine(
            $"{Environment.NewLine}{Skipped.Count} fixture(s) SKIPPED: this was not a full run.{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }
}

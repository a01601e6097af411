using System.Text.RegularExpressions;

namespace Rx.Stomp.Tests.Samples;

/// <summary>rxstomp with no arguments: the narrated demo on its own embedded broker, which needs nothing installed.</summary>
[TestFixture]
public sealed partial class RxStompDemoTests
{
    [Test]
    public async Task The_demo_runs_on_its_embedded_broker_narrates_each_scene_and_exits_0()
    {
        using var demo = await RxStompProcess.RunAsync();

        Assert.That(demo.ExitCode, Is.EqualTo(0), demo.Transcript);
        Assert.That(demo.Stderr, Is.Empty, demo.Transcript);
        // Spectre.Console wraps lines at the console width: compare the text with its white space folded.
        var text = Spaces().Replace(string.Join(' ', demo.Stdout), " ");
        Assert.That(text, Does.Contain("Started the embedded broker (Rx.Stomp.Broker) in this process on 127.0.0.1:"));
        Assert.That(text, Does.Contain("average of 3 boiler readings: 73.0 average of 3 boiler readings: 82.0"), demo.Transcript);
        Assert.That(text, Does.Contain("watch received 'order 1'").And.Contain("RECEIPT the broker has 'order 1'"), demo.Transcript);
        Assert.That(text, Does.Contain("watch received 'order 2' watch received 'order 3'").And.Contain("RECEIPT COMMIT confirmed"), demo.Transcript);
        Assert.That(text, Does.Contain("RECEIPT ABORT confirmed watch received 'order 5'"), demo.Transcript);
        Assert.That(text, Does.Not.Contain("watch received 'order 4"), demo.Transcript);
        Assert.That(text, Does.Match(@"state: Reconnecting \(attempt 1, now\) after: .* state: Connected to 127\.0\.0\.1:\d+ \(STOMP 1\.2"), demo.Transcript);
        Assert.That(text, Does.Contain("watch received 'order 6'").And.EndsWith("and stopped the broker."), demo.Transcript);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

using System.Diagnostics;
using System.Globalization;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// A user's <c>--timeout</c> bounds the whole run, connection attempts and closing included, whatever the peer does:
/// <c>listen --timeout N</c> ends within N + 2 s, with a non-zero exit code and one line of reason.
/// </summary>
[TestFixture]
public sealed class RxStompRunLimitTests
{
    private const int Limit = 2;

    [TestCase(Misbehaviour.Silent, 3)]
    [TestCase(Misbehaviour.SilentAfterConnected, 3)]
    [TestCase(Misbehaviour.ClosesAtOnce, 2)]
    [TestCase(Misbehaviour.AnswersHttp, 2)]
    public async Task Listen_ends_within_its_timeout_whatever_the_peer_does(Misbehaviour behaviour, int exitCode)
    {
        await using var peer = new MisbehavingPeer(behaviour);
        // Wall clock: the subject is a child process's own limit on real time against a real socket. The stopwatch
        // only measures, for the failure message; the process's exit ends the wait.
        var started = Stopwatch.StartNew();

        using var listen = await RxStompProcess.RunAsync("listen", "/queue/x", "--count", "1", "--timeout", Limit.ToString(CultureInfo.InvariantCulture),
            "-H", "127.0.0.1", "-P", peer.Port.ToString(CultureInfo.InvariantCulture));

        // Counted from the first connection attempt, so that the time the runtime takes to start is not charged.
        var sinceAccepted = DateTime.UtcNow - await peer.FirstAccepted;
        Assert.That(listen.ExitCode, Is.EqualTo(exitCode), listen.Transcript);
        Assert.That(sinceAccepted, Is.LessThan(TimeSpan.FromSeconds(Limit + 2)), $"{started.Elapsed} in all\n{listen.Transcript}");
        Assert.That(listen.Stderr, Has.Count.EqualTo(1).And.All.StartsWith("rxstomp: "), listen.Transcript);
    }
}

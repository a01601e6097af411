using System.Text;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Security;

/// <summary>
/// A hostile peer on a raw socket: each attack gives a typed error, the client stops reading it after at most a
/// limit's worth of bytes (the peer cannot push the rest of its flood, and the client allocates a bounded amount),
/// and the client then reconnects on its own.
/// </summary>
public class HostilePeerTests
{
    private const long Flood = 64L * 1024 * 1024;

    /// <summary>Small limits, so that a flood far larger than them proves they hold.</summary>
    private static readonly FrameLimits Limits = new() { MaxFrameSize = 64 * 1024, MaxHeaderCount = 100, MaxHeaderLineLength = 4096 };

    public static IEnumerable<TestCaseData> Floods()
    {
        yield return new TestCaseData("MESSAGE\ndestination:/q\ncontent-length:1000000000\n\n", (byte)'x').SetName("An oversized frame (declared)");
        yield return new TestCaseData("MESSAGE\ndestination:/q\n\n", (byte)'x').SetName("A body without end");
        yield return new TestCaseData("MESSAGE\n", (byte)'\n').SetName("Endless blank lines after the command");
        yield return new TestCaseData("MESSAGE\ndestination:/q\nh:", (byte)'v').SetName("A header line without end");
        yield return new TestCaseData("", (byte)'G').SetName("A command line without end (garbage)");
    }

    [TestCaseSource(nameof(Floods))]
    public async Task A_flood_is_cut_off_at_the_limit_with_bounded_memory_and_the_client_reconnects(string prefix, byte filler)
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var error = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Protocol);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        var sent = await FloodAsync(peer, Encoding.ASCII.GetBytes(prefix), filler);

        var allocatedDuring = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        await TestContext.Out.WriteLineAsync($"flood: {sent:N0} of {Flood:N0} bytes sent before the client hung up; {allocatedDuring:N0} bytes allocated meanwhile");
        Assert.Multiple(async () =>
        {
            Assert.That((await error.WaitAsync(StreamWaits.DefaultTimeout)).Exception, Is.InstanceOf<StompProtocolException>());
            Assert.That(sent, Is.LessThan(Flood), "the client stopped reading the flood");
            Assert.That(allocatedDuring, Is.LessThan(16 * 1024 * 1024), "bytes allocated while flooded");
        });
        await ReconnectsAsync(peer, client);
    }

    [Test]
    public async Task Endless_headers_stop_at_the_header_count_limit()
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var error = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Protocol);
        var headers = new StringBuilder("MESSAGE\n");
        for (var i = 0; i < 10_000; i++)
        {
            headers.Append('h').Append(i).Append(":v\n");
        }

        await SendIgnoringResetAsync(peer, headers.ToString());
        Assert.That((await error.WaitAsync(StreamWaits.DefaultTimeout)).Message, Does.Contain("header"));
        await ReconnectsAsync(peer, client);
    }

    [TestCase("MESSAGE\ndestination:/q\nh:bad\\qescape\n\n\0", "escape")]
    [TestCase("NOT-A-COMMAND\n\n\0", "NOT-A-COMMAND")]
    [TestCase("MESSAGE\ndestination:/q\ncontent-length:3\n\nabcdef\0", "content-length")]
    public async Task A_malformed_frame_is_a_typed_error_naming_the_problem_and_the_client_reconnects(string frame, string named)
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var error = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Protocol);

        await peer.SendRawAsync(frame);

        var seen = await error.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(seen.Exception, Is.InstanceOf<StompProtocolException>());
        Assert.That(seen.Message, Does.Contain(named).IgnoreCase);
        await ReconnectsAsync(peer, client);
    }

    [Test]
    public async Task A_CONNECTED_of_a_version_not_offered_is_a_final_error_and_is_not_retried()
    {
        await using var peer = new RawPeer();
        await using var client = new StompClient(new StompClientOptions
        {
            Endpoints = [peer.Endpoint],
            AcceptVersions = [StompVersion.V12],
            Limits = Limits,
            ConnectRetry = BackoffPolicy.Connect with { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(10) },
        });
        var states = client.State.Select(s => s.Kind).TakeUntil(s => s == ConnectionStateKind.Faulted).ToList().ToTask();
        var connecting = client.ConnectAsync();
        await peer.AcceptAndConnectAsync(StompVersion.V10).WaitAsync(StreamWaits.DefaultTimeout);

        var refused = Assert.ThrowsAsync<StompVersionException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.Message, Does.Contain("1.0"));
        Assert.That(await states.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(new[] { ConnectionStateKind.Disconnected, ConnectionStateKind.Connecting, ConnectionStateKind.Faulted }),
            "asking the same broker again gets the same answer: no second attempt");
    }

    private static async Task<(RawPeer Peer, StompClient Client, IAsyncDisposable Cleanup)> ConnectAsync()
    {
        var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions
        {
            Endpoints = [peer.Endpoint],
            Limits = Limits,
            Reconnect = BackoffPolicy.Reconnect with { InitialDelay = TimeSpan.FromMilliseconds(10) },
        });
        await peer.ConnectAsync(client);
        return (peer, client, RawPeer.ClosingFirst(peer, client));
    }

    private static async Task ReconnectsAsync(RawPeer peer, StompClient client)
    {
        var connected = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await connected.WaitAsync(StreamWaits.DefaultTimeout);
    }

    /// <summary>Sends the prefix, then the filler 64 KiB at a time until <see cref="Flood"/> bytes or the client hangs up; returns the bytes sent.</summary>
    private static async Task<long> FloodAsync(RawPeer peer, byte[] prefix, byte filler)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, filler);
        long sent = 0;
        try
        {
            await peer.SendRawAsync(prefix);
            sent += prefix.Length;
            while (sent < Flood)
            {
                await peer.SendRawAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The client hung up: what the test expects.
        }

        return sent;
    }

    private static async Task SendIgnoringResetAsync(RawPeer peer, string text)
    {
        try
        {
            await peer.SendRawAsync(text);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
        }
    }
}

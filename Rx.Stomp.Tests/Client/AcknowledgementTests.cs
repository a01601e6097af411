using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>ACK and NACK carry exactly the headers each version asks for, and go out on the connection that delivered.</summary>
public class AcknowledgementTests
{
    private static readonly Frame Message = new(StompCommand.Message, StompHeaders.Create(
        ("destination", "/queue/a"), ("message-id", "m-7"), ("subscription", "sub-1"), ("ack", "ack-9")));

    [TestCase(StompVersion.V10, "message-id:m-7")]
    [TestCase(StompVersion.V11, "message-id:m-7 subscription:sub-1")]
    [TestCase(StompVersion.V12, "id:ack-9")]
    public async Task ACK_names_the_message_as_its_version_says(StompVersion version, string expected)
    {
        var (peer, message, cleanup) = await DeliverAsync(version);
        await using var _ = cleanup;

        await message.AckAsync();
        var ack = await peer.ExpectAsync(StompCommand.Ack).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(string.Join(' ', ack.Headers.Select(h => $"{h.Key}:{h.Value}")), Is.EqualTo(expected));
    }

    [TestCase(StompVersion.V11, "message-id:m-7 subscription:sub-1 requeue:false")]
    [TestCase(StompVersion.V12, "id:ack-9 requeue:false")]
    public async Task NACK_names_the_message_the_same_way_and_passes_extra_headers(StompVersion version, string expected)
    {
        var (peer, message, cleanup) = await DeliverAsync(version);
        await using var _ = cleanup;

        await message.NackAsync(headers: StompHeaders.Create(("requeue", "false")));
        var nack = await peer.ExpectAsync(StompCommand.Nack).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(string.Join(' ', nack.Headers.Select(h => $"{h.Key}:{h.Value}")), Is.EqualTo(expected));
    }

    [Test]
    public async Task STOMP_1_0_has_no_NACK()
    {
        var (_, message, cleanup) = await DeliverAsync(StompVersion.V10);
        await using var _ = cleanup;

        Assert.ThrowsAsync<NotSupportedException>(() => message.NackAsync());
    }

    private static async Task<(RawPeer Peer, StompMessage Message, IAsyncDisposable Cleanup)> DeliverAsync(StompVersion version)
    {
        var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], AcceptVersions = [version] });
        var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client, version: version);
        var delivered = client.Messages.WhenAsync(_ => true);
        await peer.SendAsync(Message, version);
        return (peer, await delivered, cleanup);
    }
}

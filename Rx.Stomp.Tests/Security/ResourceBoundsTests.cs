using System.Text;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Security;

/// <summary>
/// What a broker that never answers can make the client hold: bounded pending receipts. (What a subscriber that never
/// keeps up can make it hold is Client/BackPressureTests': nothing beyond the read buffers.)
/// </summary>
public class ResourceBoundsTests
{
    [Test]
    public async Task Beyond_MaxPendingReceipts_a_send_asking_for_a_receipt_fails_at_once_and_a_RECEIPT_makes_room()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], MaxPendingReceipts = 3 });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var pending = Enumerable.Range(1, 3).Select(i => client.SendAsync("/queue/q", $"{i}", new SendOptions { Receipt = true })).ToList();
        var first = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync("/queue/q", "4", new SendOptions { Receipt = true }));
        Assert.That(error!.Message, Does.Contain("MaxPendingReceipts is 3"));

        await peer.SendReceiptAsync(first);
        await pending[0].WaitAsync(StreamWaits.DefaultTimeout);
        var fourth = client.SendAsync("/queue/q", "4", new SendOptions { Receipt = true });
        Assert.That(fourth.IsFaulted, Is.False);
    }

    [Test]
    public async Task DISCONNECT_goes_out_and_ends_at_its_RECEIPT_when_MaxPendingReceipts_are_awaited_already()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], MaxPendingReceipts = 1 });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var unanswered = client.SendAsync("/queue/q", "1", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        // Leaving must always be possible, whatever the broker left unanswered.
        var disconnecting = client.DisconnectAsync();
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Disconnect).WaitAsync(StreamWaits.DefaultTimeout));

        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
        Assert.That(async () => await unanswered.WaitAsync(StreamWaits.DefaultTimeout), Throws.InstanceOf<StompConnectionException>(), "the closed connection fails the unanswered SEND");
    }
}

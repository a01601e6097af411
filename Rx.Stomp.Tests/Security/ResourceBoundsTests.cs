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
}

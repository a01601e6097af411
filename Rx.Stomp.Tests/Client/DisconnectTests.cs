using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// stomp.py's <c>disconnect(receipt, headers)</c>: the DISCONNECT carries the caller's headers and receipt id, and the
/// call ends at that RECEIPT; cancelled while it waits for the RECEIPT, it still closes the socket.
/// </summary>
public class DisconnectTests
{
    [Test]
    public async Task DISCONNECT_carries_the_chosen_receipt_id_and_headers_and_ends_at_that_RECEIPT()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(o => o with { DisconnectTimeout = TimeSpan.FromMinutes(10) });
        await using var _ = cleanup;
        var receipts = client.Receipts.WhenAsync(_ => true);

        var disconnecting = client.DisconnectAsync(new DisconnectOptions { ReceiptId = "bye-1", Headers = [new("x-reason", "done"), new("receipt", "overridden")] });
        var disconnect = await peer.ExpectAsync(StompCommand.Disconnect).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(UnsubscribeTests.Shape(disconnect), Is.EqualTo("x-reason:done receipt:bye-1"));
        Assert.That(disconnecting.IsCompleted, Is.False, "not before the RECEIPT");
        await peer.SendReceiptAsync(disconnect);
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That((await receipts).Id, Is.EqualTo("bye-1"));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
    }

    [Test]
    public async Task A_disconnect_cancelled_while_it_waits_for_the_RECEIPT_still_closes_the_socket()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(o => o with { DisconnectTimeout = TimeSpan.FromMinutes(10) });
        await using var _ = cleanup;
        using var cancel = new CancellationTokenSource();

        var disconnecting = client.DisconnectAsync(cancel.Token);
        await peer.ExpectAsync(StompCommand.Disconnect).WaitAsync(StreamWaits.DefaultTimeout);
        cancel.Cancel();

        // The peer never answers: only the cancellation can end the wait, and the socket is closed all the same.
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(await peer.ReadAnyAsync().WaitAsync(StreamWaits.DefaultTimeout), Is.Null, "the peer reads the end of the connection");
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
        Assert.That(client.IsConnected, Is.False);
    }
}

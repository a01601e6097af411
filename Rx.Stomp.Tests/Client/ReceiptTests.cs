using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>Receipts: an ERROR fails the waits it concerns at once, without waiting for their timeout.</summary>
public class ReceiptTests
{
    private static async Task<(RawPeer Peer, StompClient Client, IAsyncDisposable Cleanup)> ConnectAsync()
    {
        var peer = new RawPeer();
        // A virtual clock that nobody advances: any wait that ends, ends without its timeout.
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Scheduler = new TestScheduler() });
        await peer.ConnectAsync(client);
        return (peer, client, RawPeer.ClosingFirst(peer, client));
    }

    [Test]
    public async Task An_ERROR_naming_a_receipt_fails_that_send_alone_with_the_brokers_message()
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var first = client.SendAsync("/queue/a", "1", new SendOptions { Receipt = true });
        var one = await peer.ExpectAsync(StompCommand.Send).WaitAsync(Observed.Guard);
        var second = client.SendAsync("/queue/a", "2", new SendOptions { Receipt = true });
        var two = await peer.ExpectAsync(StompCommand.Send).WaitAsync(Observed.Guard);

        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "not allowed"), ("receipt-id", two.Headers["receipt"]!))));
        await peer.SendReceiptAsync(one);

        var error = Assert.ThrowsAsync<StompErrorException>(() => second.WaitAsync(Observed.Guard));
        Assert.That(error!.BrokerMessage, Is.EqualTo("not allowed"));
        await first.WaitAsync(Observed.Guard);
    }

    [Test]
    public async Task An_ERROR_naming_no_receipt_fails_every_pending_receipt_at_once()
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var sending = client.SendAsync("/foo/bar", "x", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(Observed.Guard);

        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "Unknown destination")), "'/foo/bar' is not a valid destination"u8.ToArray()));

        var error = Assert.ThrowsAsync<StompErrorException>(() => sending.WaitAsync(Observed.Guard));
        Assert.That(error!.Message, Does.Contain("Unknown destination").And.Contain("not a valid destination"));
    }
}

using Rx.Stomp.Testing;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>A RECEIPT without its <c>receipt-id</c> (a broker's slip) still shows on <c>Receipts</c>, with an empty id.</summary>
public sealed class ReceiptWithoutIdTests
{
    [Test]
    public async Task A_RECEIPT_without_receipt_id_reaches_Receipts_with_an_empty_id()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var received = client.Receipts.WhenAsync(_ => true);

        await peer.SendAsync(new Frame(StompCommand.Receipt, StompHeaders.Empty));

        Assert.That((await received).Id, Is.Empty);
    }
}

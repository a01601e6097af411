using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The headers of a SEND as the broker reads them: the destination first, then the caller's headers in their order,
/// then the content type and the transaction; each of those three once, the explicit one winning over the caller's (the
/// writer adds content-length last).
/// </summary>
public class SendFrameHeadersTests
{
    [Test]
    public async Task The_destination_the_content_type_option_and_the_transaction_replace_the_callers_own_which_keep_their_order()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var transaction = await client.BeginTransactionAsync(new TransactionOptions { Id = "tx-mine" });
        await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);

        await transaction.SendAsync("/queue/a", "body", new SendOptions
        {
            ContentType = "text/plain",
            Headers = [new("x-first", "1"), new("destination", "/queue/other"), new("content-type", "text/ignored"), new("transaction", "tx-ignored"), new("x-last", "2")],
        });

        var send = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(UnsubscribeTests.Shape(send), Is.EqualTo("destination:/queue/a x-first:1 x-last:2 content-type:text/plain transaction:tx-mine content-length:4"));
    }

    [Test]
    public async Task Without_the_option_or_a_transaction_the_callers_content_type_and_transaction_headers_go_out_as_given()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;

        await client.SendAsync("/queue/a", "body", new SendOptions { Headers = [new("content-type", "application/json"), new("transaction", "tx-own")] });

        var send = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(UnsubscribeTests.Shape(send), Is.EqualTo("destination:/queue/a content-type:application/json transaction:tx-own content-length:4"));
    }

    [Test]
    public async Task A_send_naming_only_a_destination_after_one_to_another_goes_to_its_own()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;

        await client.SendAsync("/queue/a", "1");
        await client.SendAsync("/queue/a", "2");
        await client.SendAsync("/queue/b", "3");

        var destinations = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            destinations.Add((await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).Headers["destination"]);
        }

        Assert.That(destinations, Is.EqualTo(new[] { "/queue/a", "/queue/a", "/queue/b" }));
    }
}

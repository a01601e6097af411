using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>stomp.py's <c>begin(transaction, headers)</c>, <c>commit(transaction, headers)</c>, <c>abort(…)</c>: the frames carry the chosen id and the caller's headers.</summary>
public class TransactionFrameTests
{
    [Test]
    public async Task BEGIN_COMMIT_and_ABORT_carry_the_chosen_id_and_the_callers_headers()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;

        var committed = await client.BeginTransactionAsync(new TransactionOptions { Id = "tx-mine", Headers = [new("x-begin", "1"), new("transaction", "overridden")] });
        await committed.SendAsync("/queue/a", "inside");
        await committed.CommitAsync([new("x-commit", "2")], receipt: false);
        var aborted = await client.BeginTransactionAsync(new TransactionOptions { Id = "tx-other" });
        await aborted.AbortAsync([new("x-abort", "3")], receipt: false);

        Assert.That(UnsubscribeTests.Shape(await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout)), Is.EqualTo("x-begin:1 transaction:tx-mine"));
        Assert.That((await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).Headers["transaction"], Is.EqualTo("tx-mine"));
        Assert.That(UnsubscribeTests.Shape(await peer.ExpectAsync(StompCommand.Commit).WaitAsync(StreamWaits.DefaultTimeout)), Is.EqualTo("x-commit:2 transaction:tx-mine"));
        Assert.That(UnsubscribeTests.Shape(await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout)), Is.EqualTo("transaction:tx-other"));
        Assert.That(UnsubscribeTests.Shape(await peer.ExpectAsync(StompCommand.Abort).WaitAsync(StreamWaits.DefaultTimeout)), Is.EqualTo("x-abort:3 transaction:tx-other"));
    }

    [Test]
    public async Task Without_a_chosen_id_BEGIN_carries_one_of_the_clients_own_named_tx()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;

        var transaction = await client.BeginTransactionAsync();

        Assert.That(transaction.Id, Does.Match("^tx-[0-9]+$"));
        Assert.That((await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout)).Headers["transaction"], Is.EqualTo(transaction.Id));
    }

    [Test]
    public async Task BEGIN_asked_for_with_a_receipt_carries_one_and_ends_at_its_RECEIPT()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;

        var beginning = client.BeginTransactionAsync(receipt: true);
        var begin = await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(begin.Headers["receipt"], Is.Not.Null);
        Assert.That(beginning.IsCompleted, Is.False, "not before the RECEIPT");
        await peer.SendReceiptAsync(begin);
        await beginning.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task A_send_in_a_transaction_needs_a_destination_and_writes_nothing_without_one()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var transaction = await client.BeginTransactionAsync();
        await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(() => transaction.SendAsync("", "x"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("destination"));

        await transaction.CommitAsync(receipt: false);
        Assert.That((await peer.ExpectAsync(StompCommand.Commit).WaitAsync(StreamWaits.DefaultTimeout)).Command, Is.EqualTo(StompCommand.Commit), "the next frame after BEGIN");
    }
}

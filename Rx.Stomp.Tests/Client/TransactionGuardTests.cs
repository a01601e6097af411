using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// A transaction refuses what cannot be meant: a frame after its COMMIT or ABORT, a null argument, an empty chosen id,
/// a frame for a connection that is gone; each refused with a message that says why, and nothing written. Disposing
/// one whose connection is gone does not throw: the broker aborted it already.
/// </summary>
public sealed class TransactionGuardTests
{
    [Test]
    public async Task After_its_COMMIT_a_transaction_refuses_to_send_and_to_end_again_and_writes_nothing()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var transaction = await client.BeginTransactionAsync(new TransactionOptions { Id = "tx-done" });
        await transaction.CommitAsync(receipt: false);
        const string ended = "Transaction tx-done was already committed or aborted.";

        var send = Assert.Throws<InvalidOperationException>(() => transaction.SendAsync("/queue/a", "late"));
        var commit = Assert.ThrowsAsync<InvalidOperationException>(() => transaction.CommitAsync(receipt: false));
        var abort = Assert.ThrowsAsync<InvalidOperationException>(() => transaction.AbortAsync(receipt: false));

        Assert.That(new[] { send!.Message, commit!.Message, abort!.Message }, Is.All.EqualTo(ended));
        await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.ExpectAsync(StompCommand.Commit).WaitAsync(StreamWaits.DefaultTimeout);
        await client.SendAsync("/queue/after", "after");
        Assert.That((await peer.ReadFrameAsync().WaitAsync(StreamWaits.DefaultTimeout))?.GetBodyText(), Is.EqualTo("after"), "nothing between the COMMIT and it");
    }

    [Test]
    public async Task Null_arguments_are_refused_by_name_and_a_refused_COMMIT_leaves_the_transaction_open()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var transaction = await client.BeginTransactionAsync(new TransactionOptions { Id = "tx-open" });

        Assert.That(Assert.Throws<ArgumentNullException>(() => transaction.SendAsync("/queue/a", (string)null!))!.ParamName, Is.EqualTo("text"));
        Assert.That(Assert.ThrowsAsync<ArgumentNullException>(() => transaction.CommitAsync((StompHeaders)null!))!.ParamName, Is.EqualTo("headers"));
        Assert.That(Assert.ThrowsAsync<ArgumentNullException>(() => transaction.AbortAsync((StompHeaders)null!))!.ParamName, Is.EqualTo("headers"));

        Assert.That(transaction.IsEnded, Is.False);
        await transaction.CommitAsync(receipt: false);
        await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That((await peer.ReadFrameAsync().WaitAsync(StreamWaits.DefaultTimeout))?.Command, Is.EqualTo(StompCommand.Commit));
    }

    [Test]
    public async Task An_empty_chosen_id_is_refused_and_no_BEGIN_is_written()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;

        var refused = Assert.ThrowsAsync<ArgumentException>(() => client.BeginTransactionAsync(new TransactionOptions { Id = "" }));

        Assert.That(refused!.ParamName, Is.EqualTo("options"));
        await client.SendAsync("/queue/after", "after");
        Assert.That((await peer.ReadFrameAsync().WaitAsync(StreamWaits.DefaultTimeout))?.Command, Is.EqualTo(StompCommand.Send));
    }

    [Test]
    public async Task A_transaction_whose_connection_is_gone_refuses_to_send_and_disposing_it_does_not_throw()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync();
        var transaction = await client.BeginTransactionAsync(new TransactionOptions { Id = "tx-old" });
        await connection.ExpectAsync(StompCommand.Begin);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        connection.Abort();
        await reconnecting;

        var gone = Assert.ThrowsAsync<StompConnectionException>(() => transaction.SendAsync("/queue/a", "inside"));

        Assert.That(gone!.Message, Is.EqualTo("Transaction tx-old belonged to a connection that is gone; the broker aborted it."));
        Assert.That(async () => await transaction.DisposeAsync(), Throws.Nothing);
        Assert.That(transaction.IsEnded, Is.True);
    }
}

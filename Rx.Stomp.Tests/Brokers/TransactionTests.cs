using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// Transactions: what is sent inside one is delivered at COMMIT and never after ABORT. A marker sent outside the
/// transaction, to the same queue, shows what the broker delivered in the meantime.
/// </summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.Brokers))]
public sealed class TransactionTests(Broker broker) : BrokerTest(broker)
{
    [Test]
    public async Task Messages_sent_in_a_transaction_appear_only_after_commit()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("tx-commit");
        var messages = Record(client.Watch(queue));

        var transaction = await Within(client.BeginTransactionAsync(receipt: true), "the RECEIPT of BEGIN");
        await transaction.SendAsync(queue, "t1");
        await transaction.SendAsync(queue, "t2");
        await Within(client.SendAsync(queue, "marker", WithReceipt), "the RECEIPT of the marker");
        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }), "nothing of the transaction before COMMIT");

        await Within(transaction.CommitAsync(), "the RECEIPT of COMMIT");

        Assert.That(Bodies(await messages.TakeAsync(3, Timeout)), Is.EqualTo(new[] { "marker", "t1", "t2" }));
        Assert.That(transaction.IsEnded, Is.True);
    }

    [Test]
    public async Task A_transaction_with_a_chosen_id_and_headers_on_BEGIN_and_COMMIT_commits()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("tx-chosen");
        var messages = Record(client.Watch(queue));
        var id = "tx-mine-" + Guid.NewGuid().ToString("N");

        var transaction = await Within(client.BeginTransactionAsync(new TransactionOptions { Id = id, Headers = [new("x-begun-by", "test")], Receipt = true }), "the RECEIPT of BEGIN");
        await transaction.SendAsync(queue, "t1");
        await Within(client.SendAsync(queue, "marker", WithReceipt), "the RECEIPT of the marker");
        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }), "nothing of the transaction before COMMIT");

        await Within(transaction.CommitAsync([new("x-committed-by", "test")]), "the RECEIPT of COMMIT");

        Assert.That(transaction.Id, Is.EqualTo(id));
        Assert.That(Bodies(await messages.TakeAsync(2, Timeout)), Is.EqualTo(new[] { "marker", "t1" }));
    }

    [Test]
    public async Task A_transaction_aborted_with_headers_delivers_nothing()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("tx-abort-headers");
        var messages = Record(client.Watch(queue));

        var transaction = await Within(client.BeginTransactionAsync(new TransactionOptions { Id = "tx-mine-" + Guid.NewGuid().ToString("N"), Receipt = true }), "the RECEIPT of BEGIN");
        await transaction.SendAsync(queue, "t1");
        await Within(transaction.AbortAsync([new("x-aborted-by", "test")]), "the RECEIPT of ABORT");
        await Within(client.SendAsync(queue, "marker", WithReceipt), "the RECEIPT of the marker");

        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }));
        await AssertTransactionIsGoneAsync(client, transaction.Id);
    }

    [Test]
    public async Task Messages_sent_in_an_aborted_transaction_never_appear()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("tx-abort");
        var messages = Record(client.Watch(queue));

        var transaction = await Within(client.BeginTransactionAsync(receipt: true), "the RECEIPT of BEGIN");
        await transaction.SendAsync(queue, "t1");
        await Within(transaction.AbortAsync(), "the RECEIPT of ABORT");
        await Within(client.SendAsync(queue, "marker", WithReceipt), "the RECEIPT of the marker");

        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }));
        await AssertTransactionIsGoneAsync(client, transaction.Id);
        await Within(client.SendAsync(queue, "marker 2", WithReceipt), "the RECEIPT of the second marker");
        Assert.That(Bodies(await messages.TakeAsync(2, Timeout)), Is.EqualTo(new[] { "marker", "marker 2" }));
    }

    [Test]
    public async Task Disposing_an_uncommitted_transaction_aborts_it()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("tx-dispose");
        var messages = Record(client.Watch(queue));
        string id;

        await using (var transaction = await Within(client.BeginTransactionAsync(receipt: true), "the RECEIPT of BEGIN"))
        {
            id = transaction.Id;
            await transaction.SendAsync(queue, "t1");
        }

        await Within(client.SendAsync(queue, "marker", WithReceipt), "the RECEIPT of the marker");
        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "marker" }));
        await AssertTransactionIsGoneAsync(client, id);
        await Within(client.SendAsync(queue, "marker 2", WithReceipt), "the RECEIPT of the second marker");
        Assert.That(Bodies(await messages.TakeAsync(2, Timeout)), Is.EqualTo(new[] { "marker", "marker 2" }));
    }

    /// <summary>
    /// A COMMIT of the transaction must be refused: it was aborted on the broker, not merely left open (an open one
    /// would also deliver nothing, until the disconnect aborts it). The brokers answer ERROR; RabbitMQ and ActiveMQ
    /// keep the connection, the embedded broker closes it and the client reconnects.
    /// </summary>
    private async Task AssertTransactionIsGoneAsync(StompClient client, string id)
    {
        var commit = new Frame(StompCommand.Commit, StompHeaders.Create((StompHeaderNames.Transaction, id)));
        var error = Assert.ThrowsAsync<StompErrorException>(() => client.SendFrameAsync(commit, receipt: true).WaitAsync(Timeout));
        Assert.That(error!.Message, Does.Contain("transaction").IgnoreCase);
        if (Broker.KeepsConnectionAfterError)
        {
            Assert.That(client.IsConnected, Is.True);
        }
    }
}

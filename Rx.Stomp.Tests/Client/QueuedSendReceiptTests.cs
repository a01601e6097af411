using System.Reactive.Linq;
using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// A send that waited for a connection and asked for a RECEIPT: once the queue is drained its caller hears what
/// became of that RECEIPT (it came, its deadline passed, it could not even be asked for, or the frame must go again),
/// as a caller of a direct send would. On a virtual clock, over an in-memory connection.
/// </summary>
public sealed class QueuedSendReceiptTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Test]
    public async Task A_queued_send_whose_RECEIPT_never_comes_fails_at_ReceiptTimeout_after_its_write_and_not_before()
    {
        await using var broker = new VirtualBroker();
        var (_, second, sends) = await QueuedThenConnectedAsync(broker, o => o with { ReceiptTimeout = TimeSpan.FromSeconds(10) },
            c => [c.SendAsync("/queue/a", "unanswered", new SendOptions { Receipt = true })]);
        await second.ExpectAsync(StompCommand.Send);
        var written = broker.Clock.Elapsed;

        broker.Clock.AdvanceTo(written + TimeSpan.FromSeconds(10) - Tick);
        Assert.That(sends[0].IsCompleted, Is.False, "failed before ReceiptTimeout");
        broker.Clock.AdvanceTo(written + TimeSpan.FromSeconds(10));

        var late = Assert.ThrowsAsync<StompTimeoutException>(() => sends[0].WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(late!.Message, Does.StartWith("No RECEIPT for SEND"));
    }

    [Test]
    public async Task A_queued_send_beyond_MaxPendingReceipts_fails_with_the_limit_and_the_sends_behind_it_still_go_out()
    {
        await using var broker = new VirtualBroker();
        var (_, second, sends) = await QueuedThenConnectedAsync(broker, o => o with { MaxPendingReceipts = 1 }, c =>
        [
            c.SendAsync("/queue/a", "first", new SendOptions { Receipt = true }),
            c.SendAsync("/queue/a", "over the limit", new SendOptions { Receipt = true }),
            c.SendAsync("/queue/a", "behind"),
        ]);

        var first = await second.ExpectAsync(StompCommand.Send);
        Assert.That((await second.ExpectAsync(StompCommand.Send)).GetBodyText(), Is.EqualTo("behind"));
        await second.SendReceiptAsync(first);

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => sends[1].WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.Message, Does.Contain("MaxPendingReceipts is 1"));
        Assert.That(async () => await Task.WhenAll(sends[0], sends[2]).WaitAsync(StreamWaits.DefaultTimeout), Throws.Nothing);
    }

    [Test]
    public async Task A_queued_send_the_broker_never_took_before_its_final_ERROR_goes_out_again_on_the_next_connection_still_asking_its_RECEIPT()
    {
        await using var broker = new VirtualBroker();
        ScriptedConnection? second = null;
        var (client, first) = await broker.ConnectAsync();
        using var watch = client.Watch("/queue/w", new SubscribeOptions { Receipt = false }).Subscribe(_ => { });
        await first.ExpectAsync(StompCommand.Subscribe);
        // Held on the resubscribing thread, before the drain: the ERROR is taken in before the queued SEND is written,
        // so the broker, which closes after it, is known never to have taken that SEND.
        using var hold = client.Sent.Where(f => f.Command == StompCommand.Subscribe).Take(1).Subscribe(_ =>
        {
            second!.SendErrorAsync("closing").GetAwaiter().GetResult();
            second.ClientCaughtUpAsync().GetAwaiter().GetResult();
        });
        first.Abort();
        second = await broker.Transport.AcceptAsync();
        var queued = client.SendAsync("/queue/a", "again", new SendOptions { Receipt = true });
        await second.AnswerConnectAsync();
        await second.ExpectAsync(StompCommand.Subscribe);
        Assert.That((await second.ExpectAsync(StompCommand.Send)).Headers["receipt"], Is.Not.Null);

        second.Close();
        var third = await broker.Transport.AcceptAndConnectAsync();
        await third.ExpectAsync(StompCommand.Subscribe);
        var again = await third.ExpectAsync(StompCommand.Send);

        Assert.That(again.GetBodyText(), Is.EqualTo("again"));
        Assert.That(again.Headers["receipt"], Is.Not.Null, "its caller still waits for the broker's word");
        Assert.That(queued.IsCompleted, Is.False);
        await third.SendReceiptAsync(again);
        await queued.WaitAsync(StreamWaits.DefaultTimeout);
    }

    /// <summary>
    /// A client whose first connection was lost, the sends made (by <paramref name="send"/>) while its next connection
    /// waits for CONNECTED, so that they queue, and that connection once CONNECTED is answered.
    /// </summary>
    private static async Task<(StompClient Client, ScriptedConnection Connection, Task[] Sends)> QueuedThenConnectedAsync(
        VirtualBroker broker, Func<StompClientOptions, StompClientOptions> configure, Func<StompClient, Task[]> send)
    {
        var (client, first) = await broker.ConnectAsync(configure);
        first.Abort();
        var second = await broker.Transport.AcceptAsync();
        var sends = send(client);
        await second.AnswerConnectAsync();
        return (client, second, sends);
    }
}

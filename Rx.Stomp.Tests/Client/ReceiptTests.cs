using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// Receipts: an ERROR fails the waits it concerns without waiting for their timeout, and only those: one that names
/// no receipt is pinned on its frame by a probe, as a broker answers in order.
/// </summary>
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
    public async Task A_frame_that_cannot_be_written_fails_at_once_and_leaves_its_receipt_to_the_next_frame()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Scheduler = new TestScheduler(), MaxPendingReceipts = 1 });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        // Without content-length, the NUL would end the frame early: the writer refuses it before a byte goes out.
        var unwritable = new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/queue/q")), new byte[] { 1, 0, 2 });

        Assert.ThrowsAsync<StompProtocolException>(() => client.SendFrameAsync(unwritable, receipt: true, contentLength: false).WaitAsync(StreamWaits.DefaultTimeout));

        // The one receipt allowed is free again.
        var next = client.SendAsync("/queue/q", "next", new SendOptions { Receipt = true });
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout));
        await next.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task An_ERROR_naming_a_receipt_fails_that_send_alone_with_the_brokers_message()
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var first = client.SendAsync("/queue/a", "1", new SendOptions { Receipt = true });
        var one = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        var second = client.SendAsync("/queue/a", "2", new SendOptions { Receipt = true });
        var two = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "not allowed"), ("receipt-id", two.Headers["receipt"]!))));
        await peer.SendReceiptAsync(one);

        var error = Assert.ThrowsAsync<StompErrorException>(() => second.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.BrokerMessage, Is.EqualTo("not allowed"));
        await first.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task An_ERROR_naming_no_receipt_fails_the_frame_still_unanswered_when_the_probe_is_answered()
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var first = client.SendAsync("/foo/bar", "refused", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        var second = client.SendAsync("/queue/a", "taken", new SendOptions { Receipt = true });
        var two = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        // As RabbitMQ does: the first SEND refused without receipt-id, the second answered after it.
        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "Unknown destination")), "'/foo/bar' is not a valid destination"u8.ToArray()));
        await peer.SendReceiptAsync(two);
        await second.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(first.IsCompleted, Is.False, "the refused SEND waits for the probe");

        var (begin, abort) = await ExpectProbeAsync(peer);
        await peer.SendReceiptAsync(abort);

        var error = Assert.ThrowsAsync<StompErrorException>(() => first.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.Message, Does.Contain("Unknown destination").And.Contain("not a valid destination"));
        Assert.That(abort.Headers["transaction"], Is.EqualTo(begin.Headers["transaction"]));
        Assert.That(begin.Headers["transaction"], Does.StartWith("probe-"), "named for what it is, in a broker's log");
    }

    [Test]
    public async Task A_probe_left_unanswered_is_logged_and_forgotten_and_a_later_ERROR_naming_no_receipt_probes_again()
    {
        var scheduler = new TestScheduler();
        using var logs = new CapturingLoggerFactory();
        await using var peer = new RawPeer();
        // One receipt at a time: a probe that ended without forgetting its receipt would refuse the second SEND its own.
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Scheduler = scheduler, ReceiptTimeout = TimeSpan.FromSeconds(5), LoggerFactory = logs, MaxPendingReceipts = 1 });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var first = client.SendAsync("/queue/a", "1", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "first"))));
        await ExpectProbeAsync(peer);

        // Neither the SEND nor the probe is answered: both end at ReceiptTimeout.
        scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.ThrowsAsync<StompTimeoutException>(() => first.WaitAsync(StreamWaits.DefaultTimeout));
        // The probe's end shows only in the log, on the thread its timeout completes on.
        Assert.That(SpinWait.SpinUntil(() => logs.Text.Contains("could not be settled (No RECEIPT for the probe", StringComparison.Ordinal), StreamWaits.DefaultTimeout), Is.True, logs.Text);

        var second = client.SendAsync("/queue/a", "2", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "second"))));
        var (_, abort) = await ExpectProbeAsync(peer);
        await peer.SendReceiptAsync(abort);

        var refused = Assert.ThrowsAsync<StompErrorException>(() => second.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.Message, Does.Contain("second"));
    }

    [Test]
    public async Task An_ERROR_about_no_frame_fails_nothing_and_the_watch_goes_on()
    {
        var (peer, client, cleanup) = await ConnectAsync();
        await using var _ = cleanup;
        var delivered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = client.Watch("/queue/a").Subscribe(m => delivered.TrySetResult(m.GetBodyText()), e => delivered.TrySetException(e));
        var subscribe = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        var sending = client.SendAsync("/queue/b", "x", new SendOptions { Receipt = true });
        var send = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        // RabbitMQ's ERROR for a delivery that raced an UNSUBSCRIBE: it concerns neither frame.
        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "Subscription not found")), "There is no current subscription with tag 'T_sub-0'."u8.ToArray()));
        await peer.SendReceiptAsync(subscribe);
        await peer.SendReceiptAsync(send);
        var (_, abort) = await ExpectProbeAsync(peer);
        await peer.SendReceiptAsync(abort);

        await sending.WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync(new Frame(StompCommand.Message, StompHeaders.Create(
            ("destination", "/queue/a"), ("subscription", subscribe.Headers["id"]!), ("message-id", "m-1")), "still watched"u8.ToArray()));
        Assert.That(await delivered.Task.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo("still watched"));
    }

    /// <summary>The probe: an empty transaction begun, then aborted with a receipt.</summary>
    private static async Task<(Frame Begin, Frame Abort)> ExpectProbeAsync(RawPeer peer)
    {
        var begin = await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);
        var abort = await peer.ExpectAsync(StompCommand.Abort).WaitAsync(StreamWaits.DefaultTimeout);
        return (begin, abort);
    }
}

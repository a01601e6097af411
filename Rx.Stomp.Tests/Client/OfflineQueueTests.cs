using Microsoft.Reactive.Testing;
using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The queue of frames sent while offline decides by its own state, under its lock, whether a frame must wait:
/// a sender that looked at the client just before a reconnection finished must neither wait for a connection that
/// is already there nor overtake frames still draining.
/// </summary>
public sealed class OfflineQueueTests
{
    private static readonly Frame Send = new(StompCommand.Send, StompHeaders.Create((StompHeaderNames.Destination, "/queue/a")));

    private readonly StompClientOptions _options = new() { Scheduler = new TestScheduler() };

    [Test]
    public void Before_any_connection_a_frame_waits()
    {
        var queue = new OfflineQueue();

        Assert.That(queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None), Is.Not.Null);
        Assert.That(queue.IsIdle, Is.False);
    }

    [Test]
    public void Once_the_drain_found_nothing_left_a_late_sender_writes_directly()
    {
        var queue = new OfflineQueue();
        queue.BeginDrain();
        Assert.That(queue.TryDequeue(), Is.Null);

        Assert.That(queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None), Is.Null);
        Assert.That(queue.IsIdle, Is.True);
    }

    [Test]
    public void While_draining_a_new_frame_queues_behind_the_old_ones()
    {
        var queue = new OfflineQueue();
        var first = queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None);
        queue.BeginDrain();

        var second = queue.TryEnqueue(new Frame(StompCommand.Send, Send.Headers, "second"u8.ToArray()), receipt: false, contentLength: true, _options, CancellationToken.None);

        Assert.That(second, Is.Not.Null);
        Assert.That(queue.TryDequeue()!.Source.Task, Is.SameAs(first));
        Assert.That(queue.TryDequeue()!.Source.Task, Is.SameAs(second));
        Assert.That(queue.TryDequeue(), Is.Null);
        Assert.That(queue.IsIdle, Is.True);
    }

    [Test]
    public void After_the_connection_ended_frames_wait_again_until_the_next_drain()
    {
        var queue = new OfflineQueue();
        queue.BeginDrain();
        Assert.That(queue.TryDequeue(), Is.Null);

        queue.GoOffline();

        Assert.That(queue.IsIdle, Is.False);
        var waiting = queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None);
        Assert.That(waiting, Is.Not.Null);
        queue.BeginDrain();
        Assert.That(queue.TryDequeue()!.Source.Task, Is.SameAs(waiting));
    }

    [Test]
    public void A_frame_cancelled_while_it_waits_leaves_the_queue_and_its_caller_hears_so()
    {
        var queue = new OfflineQueue();
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, cancel.Token)!;
        var kept = queue.TryEnqueue(new Frame(StompCommand.Send, Send.Headers, "kept"u8.ToArray()), receipt: false, contentLength: true, _options, CancellationToken.None);

        cancel.Cancel();

        Assert.That(cancelled.IsCanceled, Is.True);
        queue.BeginDrain();
        Assert.That(queue.TryDequeue()!.Source.Task, Is.SameAs(kept));
        Assert.That(queue.TryDequeue(), Is.Null);
    }

    [Test]
    public async Task A_send_cancelled_while_the_client_reconnects_is_never_written()
    {
        await using var peer = new RawPeer();
        var fast = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = BackoffPolicy.Unlimited };
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Reconnect = fast, ConnectRetry = fast with { MaxAttempts = 1 } });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        peer.CloseClientConnection();
        await reconnecting;
        using var cancel = new CancellationTokenSource();

        var cancelled = client.SendAsync("/queue/a", "cancelled", cancellationToken: cancel.Token);
        var kept = client.SendAsync("/queue/a", "kept");
        cancel.Cancel();

        Assert.ThrowsAsync<TaskCanceledException>(() => cancelled.WaitAsync(StreamWaits.DefaultTimeout));
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That((await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("kept"), "the frame queued before it is gone");
        await kept.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public void Failing_everything_while_offline_leaves_later_frames_waiting()
    {
        var queue = new OfflineQueue();
        var waiting = queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None)!;

        queue.FailAll(new StompConnectionException("gave up"));

        Assert.That(waiting.IsFaulted, Is.True);
        Assert.That(queue.IsIdle, Is.False);
        Assert.That(queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public void Frames_failed_all_at_once_are_gone_and_once_connected_a_sender_writes_directly()
    {
        var queue = new OfflineQueue();
        var failed = queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None)!;
        queue.BeginDrain();

        queue.FailAll(new StompConnectionException("disconnected"));

        Assert.That(failed.IsFaulted, Is.True);
        Assert.That(queue.IsIdle, Is.True);
        // Before the drain looks again: failing everything ended it.
        Assert.That(queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None), Is.Null);
        Assert.That(queue.TryDequeue(), Is.Null, "a failed frame is never written later");
    }

    [Test]
    public void A_frame_put_back_after_a_lost_write_keeps_later_senders_waiting_and_goes_first_on_the_next_drain()
    {
        var queue = new OfflineQueue();
        var lost = queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None);
        queue.BeginDrain();

        queue.Requeue(queue.TryDequeue()!);

        Assert.That(queue.IsIdle, Is.False, "a sender writing directly would overtake the frame put back");
        queue.GoOffline();
        queue.BeginDrain();
        Assert.That(queue.TryDequeue()!.Source.Task, Is.SameAs(lost));
    }

    [Test]
    public void Once_the_frame_put_back_is_cancelled_the_queue_is_idle_for_the_connection_still_current()
    {
        var queue = new OfflineQueue();
        using var cancel = new CancellationTokenSource();
        queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, cancel.Token);
        queue.BeginDrain();
        queue.Requeue(queue.TryDequeue()!);

        cancel.Cancel();

        // The drain stopped at the requeue: nothing waits and nothing drains.
        Assert.That(queue.IsIdle, Is.True);
    }

    [Test]
    public void A_frame_cancelled_while_offline_leaves_the_queue_waiting_for_a_connection()
    {
        var queue = new OfflineQueue();
        using var cancel = new CancellationTokenSource();
        queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, cancel.Token);

        cancel.Cancel();

        Assert.That(queue.IsIdle, Is.False, "offline, a sender may not write directly");
    }

    [Test]
    public void A_frame_cancelled_while_the_drain_writes_an_earlier_one_lets_no_new_sender_overtake_that_one()
    {
        var queue = new OfflineQueue();
        using var cancel = new CancellationTokenSource();
        queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None);
        queue.TryEnqueue(new Frame(StompCommand.Send, Send.Headers, "cancelled"u8.ToArray()), receipt: false, contentLength: true, _options, cancel.Token);
        queue.BeginDrain();
        Assert.That(queue.TryDequeue(), Is.Not.Null, "taken by the drain, being written");

        cancel.Cancel();

        Assert.That(queue.IsIdle, Is.False, "the drain has not yet found the queue empty");
    }

    [Test]
    public void A_frame_taken_by_the_drain_no_longer_times_out_while_it_waits_for_its_RECEIPT()
    {
        var scheduler = new TestScheduler();
        var options = new StompClientOptions { Scheduler = scheduler, OfflineTimeout = TimeSpan.FromSeconds(30) };
        var queue = new OfflineQueue();
        var sent = queue.TryEnqueue(Send, receipt: true, contentLength: true, options, CancellationToken.None)!;
        queue.BeginDrain();
        var written = queue.TryDequeue()!;

        scheduler.AdvanceBy(options.OfflineTimeout.Ticks);

        Assert.That(sent.IsCompleted, Is.False, "it was sent: only its RECEIPT's own deadline applies now");
        written.Finish(s => s.TrySetResult(null));
        Assert.That(sent.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void A_frame_that_leaves_the_queue_stops_its_deadline()
    {
        var scheduler = new TestScheduler();
        var queue = new OfflineQueue();
        queue.TryEnqueue(Send, receipt: false, contentLength: true, _options with { Scheduler = scheduler }, CancellationToken.None);
        queue.BeginDrain();

        queue.TryDequeue()!.Finish(s => s.TrySetResult(null));

        // Start runs every timer still pending, moving the clock to it: a deadline left behind would move it.
        scheduler.Start();
        Assert.That(scheduler.Clock, Is.Zero);
    }
}

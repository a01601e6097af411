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
        Assert.That(queue.TryDequeue(), Is.Null, "a failed frame is never written later");
        Assert.That(queue.IsIdle, Is.True);
        Assert.That(queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None), Is.Null);
    }
}

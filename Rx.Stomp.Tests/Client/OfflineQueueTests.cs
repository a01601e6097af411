using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

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
    public void Failing_everything_while_offline_leaves_later_frames_waiting()
    {
        var queue = new OfflineQueue();
        var waiting = queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None)!;

        queue.FailAll(new StompConnectionException("gave up"));

        Assert.That(waiting.IsFaulted, Is.True);
        Assert.That(queue.IsIdle, Is.False);
        Assert.That(queue.TryEnqueue(Send, receipt: false, contentLength: true, _options, CancellationToken.None), Is.Not.Null);
    }
}

using System.Reactive.Concurrency;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// Frames sent while the client was reconnecting, in order, each with its own deadline. Every frame ends known
/// to its caller: written (and receipted) once connected, or failed by the timeout, the limit or the client giving up.
/// </summary>
internal sealed class OfflineQueue
{
    private readonly LinkedList<Item> _items = new();
    private readonly Lock _gate = new();
    private bool _online;
    private bool _draining;
    private volatile bool _idle;

    /// <summary>Whether a connection is up, nothing waits and nothing drains: then a frame may be written directly, without the lock.</summary>
    public bool IsIdle => _idle;

    /// <summary>
    /// Queues a frame unless the client is ready to write it directly: online, and no earlier queue left to drain.
    /// The queue's own state decides, under its lock, so a frame cannot slip in just after a drain ended and wait
    /// for a connection that is already there.
    /// </summary>
    /// <returns><see langword="null"/> when the caller should write directly.</returns>
    public Task<Frame?>? TryEnqueue(Frame frame, bool receipt, bool contentLength, StompClientOptions options, CancellationToken cancellationToken)
    {
        Item item;
        lock (_gate)
        {
            if (_online && !_draining && _items.Count == 0)
            {
                return null;
            }

            if (_items.Count >= options.OfflineQueueLimit)
            {
                throw new StompConnectionException($"Not connected, and {options.OfflineQueueLimit} frames already wait for the connection (OfflineQueueLimit).");
            }

            item = new Item(frame, receipt, contentLength);
            item.Node = _items.AddLast(item);
            _idle = false;
        }

        item.Timer = options.Scheduler.Schedule(options.OfflineTimeout, () => Fail(item,
            new StompTimeoutException($"Not connected within {options.OfflineTimeout.TotalSeconds:0.###} s (OfflineTimeout); the {frame.Command.ToWire()} was not sent.")));
        item.Cancellation = cancellationToken.Register(() => Cancel(item, cancellationToken));
        return item.Source.Task;
    }

    /// <summary>A connection is up; draining starts: until <see cref="TryDequeue"/> finds the queue empty, new frames queue behind the old ones.</summary>
    public void BeginDrain()
    {
        lock (_gate)
        {
            _online = true;
            _draining = true;
            _idle = false;
        }
    }

    /// <summary>The connection ended: from now on frames wait for the next one.</summary>
    public void GoOffline()
    {
        lock (_gate)
        {
            _online = false;
            _draining = false;
            _idle = false;
        }
    }

    /// <summary>The oldest waiting frame, or null (and draining ends) when none is left.</summary>
    public Item? TryDequeue()
    {
        lock (_gate)
        {
            var first = _items.First;
            if (first is null)
            {
                _draining = false;
                _idle = _online;
                return null;
            }

            _items.RemoveFirst();
            first.Value.Node = null;
            return first.Value;
        }
    }

    /// <summary>Puts a frame back at the head, when the connection was lost while writing it.</summary>
    public void Requeue(Item item)
    {
        lock (_gate)
        {
            item.Node = _items.AddFirst(item);
            _draining = false;
            _idle = false;
        }
    }

    /// <summary>Fails every waiting frame: the client gave up or was disposed.</summary>
    public void FailAll(Exception error)
    {
        List<Item> items;
        lock (_gate)
        {
            items = [.. _items];
            _items.Clear();
            _draining = false;
            _idle = _online;
        }

        foreach (var item in items)
        {
            item.Node = null;
            item.Finish(s => s.TrySetException(error));
        }
    }

    private void Fail(Item item, Exception error)
    {
        if (Remove(item))
        {
            item.Finish(s => s.TrySetException(error));
        }
    }

    private void Cancel(Item item, CancellationToken cancellationToken)
    {
        if (Remove(item))
        {
            item.Finish(s => s.TrySetCanceled(cancellationToken));
        }
    }

    private bool Remove(Item item)
    {
        lock (_gate)
        {
            if (item.Node is null)
            {
                return false;
            }

            _items.Remove(item.Node);
            item.Node = null;
            _idle = _online && _items.Count == 0 && !_draining;
            return true;
        }
    }

    /// <summary>One waiting frame.</summary>
    internal sealed class Item(Frame frame, bool receipt, bool contentLength)
    {
        public Frame Frame { get; } = frame;

        public bool Receipt { get; } = receipt;

        public bool ContentLength { get; } = contentLength;

        public TaskCompletionSource<Frame?> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Item>? Node { get; set; }

        public IDisposable? Timer { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }

        /// <summary>Stops the deadline and completes the caller's task.</summary>
        public void Finish(Action<TaskCompletionSource<Frame?>> complete)
        {
            Timer?.Dispose();
            Cancellation.Dispose();
            complete(Source);
        }
    }
}

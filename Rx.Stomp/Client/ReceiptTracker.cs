using System.Collections.Concurrent;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// Receipts asked for and not yet answered. A wait is registered before its frame is sent, so a fast RECEIPT
/// cannot race past it; an ERROR naming the receipt, or the loss of the connection, fails it.
/// </summary>
internal sealed class ReceiptTracker
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _next;

    public int Count => _pending.Count;

    /// <summary>A new receipt id and the task that its RECEIPT (or failure) completes.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="limit"/> receipts are already awaited.</exception>
    public (string Id, Task<Frame> Answer) Register(object connection, int limit)
    {
        // Checked, not reserved: concurrent senders may overshoot by a few, which keeps the common path lock-free.
        if (_pending.Count >= limit)
        {
            throw new InvalidOperationException(
                $"{_pending.Count} receipts are already awaited (MaxPendingReceipts is {limit}): the broker is not answering them; wait for some before asking for more.");
        }

        var id = "rcpt-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pending = new Pending(connection);
        _pending[id] = pending;
        return (id, pending.Source.Task);
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    public bool Complete(string id, Frame receipt)
    {
        if (_pending.TryRemove(id, out var pending))
        {
            pending.Source.TrySetResult(receipt);
            return true;
        }

        return false;
    }

    public bool Fail(string id, Exception error)
    {
        if (_pending.TryRemove(id, out var pending))
        {
            pending.Source.TrySetException(error);
            return true;
        }

        return false;
    }

    /// <summary>Fails every wait on <paramref name="connection"/>: its RECEIPTs can no longer come.</summary>
    public void FailAll(object connection, Exception error)
    {
        foreach (var (id, pending) in _pending)
        {
            if (ReferenceEquals(pending.Connection, connection) && _pending.TryRemove(id, out _))
            {
                pending.Source.TrySetException(error);
            }
        }
    }

    private sealed class Pending(object connection)
    {
        public object Connection { get; } = connection;

        public TaskCompletionSource<Frame> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

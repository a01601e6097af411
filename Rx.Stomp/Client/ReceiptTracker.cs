using System.Collections.Concurrent;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// The receipts asked for on one connection and not yet answered. A wait is registered before its frame is sent, so a
/// fast RECEIPT cannot race past it; an ERROR naming the receipt, or the end of the connection, fails it.
/// </summary>
/// <remarks>
/// An ERROR that names no receipt (RabbitMQ sends such ERRORs both to refuse a frame and about no frame at all)
/// leaves every unanswered frame in doubt. Brokers answer frames in order, so the doubt is settled by asking for one
/// more RECEIPT (a probe): a frame written before the probe and still unanswered when the probe's RECEIPT comes is
/// the one the ERROR refused; every other one gets its own RECEIPT.
/// </remarks>
internal sealed class ReceiptTracker(IdGenerator ids)
{
    private readonly ConcurrentDictionary<string, ReceiptWait> _pending = new(StringComparer.Ordinal);
    private readonly Lock _doubt = new();
    private bool _probing;

    /// <summary>A receipt id (<paramref name="id"/>, or a new one) and the wait that its RECEIPT (or failure) completes.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="limit"/> receipts are already awaited, or <paramref name="id"/> is.</exception>
    public ReceiptWait Register(int limit, string? id = null) => Register(limit, isProbe: false, id);

    private ReceiptWait Register(int limit, bool isProbe, string? chosen = null)
    {
        // Checked, not reserved: concurrent senders may overshoot by a few, which keeps the common path lock-free.
        if (_pending.Count >= limit)
        {
            throw new InvalidOperationException(
                $"{_pending.Count} receipts are already awaited (MaxPendingReceipts is {limit}): the broker is not answering them; wait for some before asking for more.");
        }

        var id = chosen ?? ids.Next("rcpt");
        var wait = new ReceiptWait(id, isProbe);
        if (!_pending.TryAdd(id, wait))
        {
            throw new InvalidOperationException($"A RECEIPT with receipt-id '{id}' is already awaited on this connection.");
        }

        return wait;
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    public bool Complete(string id, Frame receipt)
    {
        if (_pending.TryRemove(id, out var wait))
        {
            wait.Source.TrySetResult(receipt);
            return true;
        }

        return false;
    }

    public bool Fail(string id, Exception error)
    {
        if (_pending.TryRemove(id, out var wait))
        {
            wait.Source.TrySetException(error);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Fails every wait: the connection ended, and its RECEIPTs can no longer come. Frames in doubt are lost with it,
    /// not refused: an ERROR just before the end may be about the connection (RabbitMQ sends "AMQP channel died" when
    /// an administrator closes it), and a frame refused indeed is refused again on the next connection.
    /// </summary>
    /// <param name="error">What the waits fail with.</param>
    /// <param name="untaken">What the waits of frames written after the broker's final ERROR fail with instead, if it
    /// closed right after that ERROR: it never took them.</param>
    public void FailAll(Exception error, Exception? untaken = null)
    {
        foreach (var (id, wait) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                wait.Source.TrySetException(untaken is not null && wait.WrittenAfterError ? untaken : error);
            }
        }
    }

    /// <summary>
    /// An ERROR without <c>receipt-id</c> came: every unanswered frame may be the one it refused. True when the caller
    /// is to start probing (<see cref="NextProbe"/>).
    /// </summary>
    public bool Doubt(StompErrorException error)
    {
        lock (_doubt)
        {
            var inDoubt = false;
            foreach (var (_, wait) in _pending)
            {
                if (!wait.IsProbe)
                {
                    // The first ERROR is kept: brokers refuse in order, so it belongs to the oldest refused frame.
                    wait.Doubt ??= error;
                    inDoubt = true;
                }
            }

            if (!inDoubt || _probing)
            {
                return false;
            }

            _probing = true;
            return true;
        }
    }

    /// <summary>
    /// The next probe to write, covering the frames in doubt already written; null when no frame is in doubt any
    /// more, which ends the probing.
    /// </summary>
    public Probe? NextProbe()
    {
        lock (_doubt)
        {
            List<ReceiptWait>? covered = null;
            var inDoubt = false;
            foreach (var (_, wait) in _pending)
            {
                if (wait.Doubt is not null)
                {
                    inDoubt = true;
                    // A frame not yet written when the probe is registered may be written after it: the next probe covers it.
                    if (wait.IsWritten)
                    {
                        (covered ??= []).Add(wait);
                    }
                }
            }

            if (!inDoubt)
            {
                _probing = false;
                return null;
            }

            return new Probe(Register(int.MaxValue, isProbe: true), covered ?? []);
        }
    }

    /// <summary>The probe was answered: every frame it covers that is still unanswered was refused by the ERROR.</summary>
    public void Settle(Probe probe)
    {
        foreach (var wait in probe.Covered)
        {
            if (_pending.TryRemove(new KeyValuePair<string, ReceiptWait>(wait.Id, wait)))
            {
                wait.Source.TrySetException(wait.Doubt!);
            }
        }
    }

    /// <summary>Probing ended without settling the doubt (the connection is ending, or the broker does not answer).</summary>
    public void StopProbing()
    {
        lock (_doubt)
        {
            _probing = false;
        }
    }

    /// <summary>A RECEIPT asked for with a frame, and what is known of that frame.</summary>
    internal sealed class ReceiptWait(string id, bool isProbe)
    {
        private int _written;

        public string Id { get; } = id;

        public bool IsProbe { get; } = isProbe;

        public TaskCompletionSource<Frame> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Frame> Answer => Source.Task;

        /// <summary>The receipt-less ERROR that came while this frame was unanswered, if one did.</summary>
        public StompErrorException? Doubt { get; set; }

        public bool IsWritten => Volatile.Read(ref _written) != 0;

        /// <summary>Whether its frame went out after an ERROR came, with nothing from the broker since.</summary>
        public bool WrittenAfterError { get; private set; }

        public void MarkWritten(bool afterError)
        {
            WrittenAfterError = afterError;
            Volatile.Write(ref _written, 1);
        }
    }

    /// <summary>A receipted frame asked for only to learn which frames in doubt the broker has answered.</summary>
    internal sealed record Probe(ReceiptWait Wait, IReadOnlyList<ReceiptWait> Covered);
}

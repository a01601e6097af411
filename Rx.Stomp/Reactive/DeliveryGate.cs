namespace Rx.Stomp.Reactive;

/// <summary>
/// Runs the deliveries to one observer one at a time, whatever thread they come from: a new connection's reader waits
/// while an old one is still inside the observer, and an end posted from another thread waits for the call under way.
/// </summary>
/// <remarks>
/// <see cref="Run{TState}"/> waits for its turn: a reader waiting here stops reading, so back-pressure holds.
/// <see cref="Post"/> never waits: the delivery runs now if nobody delivers, else right after the current delivery
/// (never inside it, even when posted from it), so that ending a stream from a handler or from another thread
/// neither blocks nor overlaps the handler. Deliveries must not throw.
/// </remarks>
internal sealed class DeliveryGate
{
    private readonly Lock _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<Action> _posted = new();

    /// <summary>Whether the calling thread is delivering through this gate right now.</summary>
    public bool IsDeliveringOnThisThread => _lock.IsHeldByCurrentThread;

    /// <summary>Delivers once no other delivery runs.</summary>
    public void Run<TState>(TState state, Action<TState> delivery)
    {
        lock (_lock)
        {
            delivery(state);
        }

        if (!_posted.IsEmpty && !_lock.IsHeldByCurrentThread)
        {
            Drain();
        }
    }

    /// <summary>Delivers now if no delivery runs, else right after the one that does.</summary>
    public void Post(Action delivery)
    {
        _posted.Enqueue(delivery);
        if (!_lock.IsHeldByCurrentThread)
        {
            Drain();
        }
    }

    /// <summary>
    /// Runs what was posted. A post made while another thread delivers is left to that thread, which drains after
    /// leaving the lock; one made after that drain finds the lock free.
    /// </summary>
    private void Drain()
    {
        while (!_posted.IsEmpty && _lock.TryEnter())
        {
            try
            {
                while (_posted.TryDequeue(out var delivery))
                {
                    delivery();
                }
            }
            finally
            {
                _lock.Exit();
            }
        }
    }
}

namespace Rx.Stomp.Reactive;

/// <summary>
/// A stream whose every subscriber is called one call at a time, whatever thread delivers: a new connection's
/// reader waits while an old one is still inside the same observer, and the stream's end, which may come from any
/// thread (a disposal, a give-up), waits for the call under way instead of overlapping it. An observer that throws
/// is reported and stays subscribed.
/// </summary>
/// <remarks>
/// The gate is per subscriber, not per client: an observer that blocks holds up only the readers that reach it, so
/// a new connection can still complete its handshake while an old handler runs.
/// </remarks>
internal sealed class SerializedDelivery<T>(IObservable<T> source, Action<Exception> onObserverFault) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return source.Subscribe(new GatedObserver(observer, onObserverFault));
    }

    private sealed class GatedObserver(IObserver<T> inner, Action<Exception> onObserverFault) : IObserver<T>
    {
        private readonly DeliveryGate _gate = new();
        private int _ended;

        public void OnNext(T value) => _gate.Run((this, value), static s => s.Item1.Call(s.value));

        public void OnError(Exception error) => _gate.Post(() => End(error));

        public void OnCompleted() => _gate.Post(() => End(null));

        private void Call(T value)
        {
            if (Volatile.Read(ref _ended) != 0)
            {
                return;
            }

            try
            {
                inner.OnNext(value);
            }
#pragma warning disable CA1031 // An observer's fault must not reach the reader; it is reported instead.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onObserverFault(e);
            }
        }

        private void End(Exception? error)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            try
            {
                if (error is null)
                {
                    inner.OnCompleted();
                }
                else
                {
                    inner.OnError(error);
                }
            }
#pragma warning disable CA1031 // See Call.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onObserverFault(e);
            }
        }
    }
}

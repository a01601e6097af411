namespace Rx.Stomp.Reactive;

/// <summary>
/// A hot observable that hands each value to every current observer and keeps going when one of them throws:
/// the exception goes to <c>onObserverFault</c> instead of the producer (the read loop) or the other observers.
/// </summary>
/// <remarks>
/// Unlike <c>Subject&lt;T&gt;</c> it survives a throwing observer, which must not cost the connection, and unlike
/// <c>Observable.Create</c> it does not wrap observers in an auto-detaching one. Callers serialize
/// <see cref="OnNext"/>; subscribing and disposing are thread-safe at any time.
/// </remarks>
internal sealed class Broadcast<T> : IObservable<T>
{
    private readonly Action<Exception> _onObserverFault;
    private readonly Lock _gate = new();
    private IObserver<T>[] _observers = [];
    private Exception? _error;
    private bool _done;

    public Broadcast(Action<Exception> onObserverFault) => _onObserverFault = onObserverFault;

    public bool HasObservers => Volatile.Read(ref _observers).Length > 0;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            if (!_done)
            {
                _observers = [.. _observers, observer];
                return new Subscription(this, observer);
            }
        }

        Deliver(observer, o => { if (_error is null) o.OnCompleted(); else o.OnError(_error); });
        return System.Reactive.Disposables.Disposable.Empty;
    }

    public void OnNext(T value)
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            try
            {
                observer.OnNext(value);
            }
#pragma warning disable CA1031 // An observer's fault must not reach the read loop; it is reported instead.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _onObserverFault(e);
            }
        }
    }

    public void OnCompleted() => End(null);

    public void OnError(Exception error) => End(error);

    private void End(Exception? error)
    {
        IObserver<T>[] observers;
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            _error = error;
            observers = _observers;
            _observers = [];
        }

        foreach (var observer in observers)
        {
            Deliver(observer, o => { if (error is null) o.OnCompleted(); else o.OnError(error); });
        }
    }

    private void Deliver(IObserver<T> observer, Action<IObserver<T>> call)
    {
        try
        {
            call(observer);
        }
#pragma warning disable CA1031 // See OnNext.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _onObserverFault(e);
        }
    }

    private void Remove(IObserver<T> observer)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_observers, observer);
            if (index >= 0)
            {
                _observers = [.. _observers[..index], .. _observers[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(Broadcast<T> owner, IObserver<T> observer) : IDisposable
    {
        private Broadcast<T>? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Remove(observer);
    }
}

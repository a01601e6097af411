using Rx.Stomp.Client;

namespace Rx.Stomp.Reactive;

/// <summary>The connection state as an observable that gives each new observer the current value first.</summary>
internal sealed class StateStream : IObservable<ConnectionState>
{
    private readonly Broadcast<ConnectionState> _changes;
    private readonly Lock _gate = new();
    private ConnectionState _current = ConnectionState.Initial;

    public StateStream(Action<Exception> onObserverFault) => _changes = new Broadcast<ConnectionState>(onObserverFault);

    public ConnectionState Current => Volatile.Read(ref _current);

    /// <summary>Publishes <paramref name="state"/> unless it is the current one or <paramref name="when"/> (checked under the lock) says no.</summary>
    public void Set(ConnectionState state, Func<bool>? when = null)
    {
        lock (_gate)
        {
            if (_current.Kind == ConnectionStateKind.Disposed || Equals(_current, state) || (when is not null && !when()))
            {
                return;
            }

            _current = state;
            _changes.OnNext(state);
        }
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            _changes.OnCompleted();
        }
    }

    public IDisposable Subscribe(IObserver<ConnectionState> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            observer.OnNext(_current);
            return _changes.Subscribe(observer);
        }
    }
}

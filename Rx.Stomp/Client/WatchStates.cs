using Rx.Stomp.Reactive;

namespace Rx.Stomp.Client;

/// <summary>
/// The state of every live watch, as an observable that gives each new observer the current states first, then
/// every change; a watch's final state is its last. Changes are published one at a time, in the order they happen.
/// </summary>
internal sealed class WatchStates : IObservable<WatchState>
{
    private readonly Dictionary<string, WatchState> _current = new(StringComparer.Ordinal);
    private readonly Broadcast<WatchState> _changes;
    private readonly Action<Exception> _onObserverFault;
    private readonly Lock _gate = new();

    public WatchStates(Action<Exception> onObserverFault)
    {
        _onObserverFault = onObserverFault;
        _changes = new Broadcast<WatchState>(onObserverFault);
    }

    /// <summary>A new watch.</summary>
    public void Add(WatchState state)
    {
        lock (_gate)
        {
            _current[state.Id] = state;
            _changes.OnNext(state);
        }
    }

    /// <summary>
    /// Moves watch <paramref name="id"/> to <paramref name="status"/> if it is live and <paramref name="when"/> holds
    /// (checked under the same lock as every other change); a final status removes it.
    /// </summary>
    public void Set(string id, WatchStateKind status, Exception? error = null, Func<WatchState, bool>? when = null)
    {
        lock (_gate)
        {
            if (!_current.TryGetValue(id, out var state) || state.Kind == status || (when is not null && !when(state)))
            {
                return;
            }

            state = state with { Kind = status, Error = error };
            if (state.IsFinal)
            {
                _current.Remove(id);
            }
            else
            {
                _current[id] = state;
            }

            _changes.OnNext(state);
        }
    }

    /// <summary>Every watch that was subscribed is to be subscribed again.</summary>
    public void Lost()
    {
        lock (_gate)
        {
            foreach (var state in _current.Values.Where(s => s.Kind == WatchStateKind.Subscribed).ToList())
            {
                Set(state.Id, WatchStateKind.Resubscribing);
            }
        }
    }

    public void Complete()
    {
        lock (_gate)
        {
            _changes.OnCompleted();
        }
    }

    public IDisposable Subscribe(IObserver<WatchState> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            foreach (var state in _current.Values)
            {
                try
                {
                    observer.OnNext(state);
                }
#pragma warning disable CA1031 // Same rule as for every stream: an observer's fault is reported, the others go on.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _onObserverFault(e);
                }
            }

            return _changes.Subscribe(observer);
        }
    }
}

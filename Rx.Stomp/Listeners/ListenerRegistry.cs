using System.Reactive.Disposables;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Listeners;

/// <summary>
/// The named listeners of one client and the subscriptions that drive them: one subscription per stream of the
/// client, opened with the first listener and closed with the last, each calling every listener in the order set.
/// </summary>
internal sealed class ListenerRegistry
{
    private readonly StompClient _client;
    private readonly Lock _gate = new();
    private KeyValuePair<string, IStompListener>[] _listeners = [];
    private CompositeDisposable? _subscriptions;

    public ListenerRegistry(StompClient client) => _client = client;

    public IStompListener? Get(string name) => Array.Find(Volatile.Read(ref _listeners), l => l.Key == name).Value;

    public void Set(string name, IStompListener listener)
    {
        lock (_gate)
        {
            var index = Array.FindIndex(_listeners, l => l.Key == name);
            var entry = new KeyValuePair<string, IStompListener>(name, listener);
            _listeners = index < 0 ? [.. _listeners, entry] : [.. _listeners[..index], entry, .. _listeners[(index + 1)..]];
            _client.Hooks.BeforeSend = BeforeSend(_listeners);
            if (_subscriptions is null)
            {
                _client.Hooks.BeforeMessage = BeforeMessage;
                _subscriptions = Subscribe();
            }
        }
    }

    public bool Remove(string name)
    {
        lock (_gate)
        {
            var index = Array.FindIndex(_listeners, l => l.Key == name);
            if (index < 0)
            {
                return false;
            }

            _listeners = [.. _listeners[..index], .. _listeners[(index + 1)..]];
            _client.Hooks.BeforeSend = BeforeSend(_listeners);
            if (_listeners.Length == 0)
            {
                _client.Hooks.BeforeMessage = null;
                _subscriptions?.Dispose();
                _subscriptions = null;
            }

            return true;
        }
    }

    private CompositeDisposable Subscribe()
    {
        var wasConnected = false;
        return new CompositeDisposable(
            _client.State.Subscribe(state =>
            {
                if (state.Kind == ConnectionStateKind.Connecting && state.Endpoint is { } endpoint)
                {
                    Each(l => l.OnConnecting(endpoint));
                }

                var connected = state.Kind == ConnectionStateKind.Connected;
                if (wasConnected && !connected)
                {
                    Each(l => l.OnDisconnected());
                    Each(l => l.OnReceiverLoopCompleted());
                }

                wasConnected = connected;
            }),
            _client.Frames.Where(f => f.Command == StompCommand.Connected).Subscribe(f => Each(l => l.OnConnected(f))),
            _client.Messages.Subscribe(m => Each(l => l.OnMessage(m))),
            _client.Receipts.Subscribe(r => Each(l => l.OnReceipt(r))),
            _client.Heartbeats.Subscribe(_ => Each(l => l.OnHeartbeat())),
            _client.Errors.Subscribe(e =>
            {
                if (e.Kind == StompErrorKind.ErrorFrame)
                {
                    Each(l => l.OnError(e));
                }
                else if (e.Kind == StompErrorKind.HeartbeatTimeout)
                {
                    Each(l => l.OnHeartbeatTimeout());
                }
            }),
            _client.Sent.Subscribe(f =>
            {
                if (f.Command == StompCommand.Disconnect)
                {
                    Each(l => l.OnDisconnecting());
                }

                Each(l => l.OnSend(f));
            }));
    }

    /// <summary>Each listener's <see cref="IStompListener.OnBeforeSend"/>, in order: the client applies them one by one, so one that throws costs only its own change.</summary>
    private static Func<Frame, Frame>[] BeforeSend(KeyValuePair<string, IStompListener>[] listeners) =>
        Array.ConvertAll(listeners, l => (Func<Frame, Frame>)l.Value.OnBeforeSend);

    private Frame BeforeMessage(Frame frame)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            frame = listener.Value.OnBeforeMessage(frame) ?? frame;
        }

        return frame;
    }

    /// <summary>Calls every listener; one that throws does not keep the others from their call (the client reports the fault).</summary>
    private void Each(Action<IStompListener> call)
    {
        List<Exception>? faults = null;
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            try
            {
                call(listener.Value);
            }
#pragma warning disable CA1031 // Collected and rethrown below, where the client reports it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (faults ??= []).Add(e);
            }
        }

        if (faults is not null)
        {
            throw faults.Count == 1 ? faults[0] : new AggregateException("Several listeners threw.", faults);
        }
    }
}

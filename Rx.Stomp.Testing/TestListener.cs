using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;

namespace Rx.Stomp.Testing;

/// <summary>
/// stomp.py's <c>TestListener</c>, for tests of code that uses a client: it counts what happened
/// (<see cref="Statistics"/>), keeps the latest message, and waits — always with a timeout — for the next
/// message or heart-beat. Attach it with <see cref="StompListeners.SetListener"/>.
/// </summary>
public sealed class TestListener : IStompListener, IDisposable
{
    private readonly IScheduler _scheduler;
    private readonly BehaviorSubject<long> _messages = new(0);
    private readonly BehaviorSubject<long> _heartbeats = new(0);
    private readonly Lock _gate = new();
    private StompStatistics _statistics = StompStatistics.Zero;
    private StompMessage? _latest;
    private long _messagesSeen;
    private long _heartbeatsSeen;

    /// <summary>Creates the listener; its waits are timed on <paramref name="scheduler"/> (the default scheduler if none).</summary>
    public TestListener(IScheduler? scheduler = null) => _scheduler = scheduler ?? DefaultScheduler.Instance;

    /// <summary>What was counted since the listener was attached.</summary>
    public StompStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return _statistics;
            }
        }
    }

    /// <summary>The latest message received, or <see langword="null"/> (stomp.py's <c>get_latest_message</c>).</summary>
    public StompMessage? LatestMessage => Volatile.Read(ref _latest);

    /// <summary>
    /// Waits for a message received since the previous wait returned (at once if one already was), and returns the
    /// latest (stomp.py's <c>wait_for_message</c>).
    /// </summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public async Task<StompMessage> WaitForMessageAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _messagesSeen = await WaitPastAsync(_messages, _messagesSeen, timeout, "message", cancellationToken).ConfigureAwait(false);
        return LatestMessage!;
    }

    /// <summary>Waits for a heart-beat received since the previous wait returned (stomp.py's <c>wait_for_heartbeat</c>).</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public async Task WaitForHeartbeatAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _heartbeatsSeen = await WaitPastAsync(_heartbeats, _heartbeatsSeen, timeout, "heart-beat", cancellationToken).ConfigureAwait(false);

    /// <summary>The count once it is past <paramref name="seen"/>.</summary>
    private Task<long> WaitPastAsync(BehaviorSubject<long> count, long seen, TimeSpan timeout, string what, CancellationToken cancellationToken) =>
        count.Where(n => n > seen).FirstAsync()
            .Timeout(timeout, Observable.Throw<long>(new TimeoutException($"No {what} within {timeout.TotalSeconds:0.###} s.")), _scheduler)
            .ToTask(cancellationToken);

    private void Count(StatisticKind kind)
    {
        lock (_gate)
        {
            _statistics = _statistics.With(kind);
        }
    }

    void IStompListener.OnConnected(Frame connected) => Count(StatisticKind.Connection);

    void IStompListener.OnDisconnected() => Count(StatisticKind.Disconnect);

    void IStompListener.OnError(StompError fault) => Count(StatisticKind.Error);

    void IStompListener.OnHeartbeatTimeout() => Count(StatisticKind.HeartbeatTimeout);

    void IStompListener.OnSend(Frame frame)
    {
        if (frame.Command == StompCommand.Send)
        {
            Count(StatisticKind.MessageSent);
        }
    }

    void IStompListener.OnMessage(StompMessage message)
    {
        Count(StatisticKind.MessageReceived);
        Volatile.Write(ref _latest, message);
        _messages.OnNext(_messages.Value + 1);
    }

    void IStompListener.OnHeartbeat()
    {
        Count(StatisticKind.HeartbeatReceived);
        _heartbeats.OnNext(_heartbeats.Value + 1);
    }

    /// <summary>Ends every wait in progress.</summary>
    public void Dispose()
    {
        _messages.Dispose();
        _heartbeats.Dispose();
    }
}

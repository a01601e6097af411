using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Broker;

/// <summary>
/// An embedded STOMP 1.0 / 1.1 / 1.2 broker over TCP, <b>for tests, demos and development</b>: it keeps everything
/// in memory, trusts its clients, and is not hardened or tuned to be a production broker (use RabbitMQ, ActiveMQ or
/// Artemis for that). Start one with <see cref="StartAsync"/>; dispose it to close every connection.
/// </summary>
/// <remarks>
/// <para>Destinations: <c>/queue/&lt;name&gt;</c> hands each message to one consumer, round-robin, and keeps it until
/// a consumer takes it; a message delivered in ack mode <c>client</c> or <c>client-individual</c> goes back to the
/// head of its queue, marked <c>redelivered:true</c>, when it is NACKed (unless <c>requeue:false</c>), or when its
/// subscription or connection ends before the ACK. <c>/topic/&lt;name&gt;</c> hands each message to every current
/// subscriber and keeps nothing, but for its durable subscriptions: a SUBSCRIBE with <c>durable:true</c> (RabbitMQ's
/// spelling) makes one named by its <c>id</c>, a queue of its own that keeps a copy of every message of the topic while
/// its client is away, until an UNSUBSCRIBE with <c>durable:true</c> and that id removes it (attached or not; refused
/// while another connection consumes from it). Any other destination is refused.</para>
/// <para>Ack modes: <c>auto</c>; <c>client</c>, where ACK and NACK are cumulative over the subscription; and
/// <c>client-individual</c>. A <c>prefetch-count</c> header on SUBSCRIBE caps the unacknowledged messages of a queue
/// or durable subscription. ACK/NACK name a message by <c>id</c> (the MESSAGE's <c>ack</c> header) in 1.2, by
/// <c>message-id</c> and <c>subscription</c> in 1.1, and by <c>message-id</c> in 1.0.</para>
/// <para>Transactions: SEND, ACK and NACK with a <c>transaction</c> header take effect at COMMIT, in order; ABORT or
/// the end of the connection discards them. A MESSAGE carries the SEND's headers (but <c>receipt</c> and
/// <c>transaction</c>), <c>content-length</c> exactly when the SEND had one, and the body byte for byte.</para>
/// <para>Anything the broker will not take (bad bytes, a frame over the <see cref="StompBrokerOptions.Limits"/>, a
/// missing header, an unknown destination, subscription, transaction or message, a full queue, a refused login) gets
/// an ERROR with a <c>message</c> header (and <c>receipt-id</c> when the frame asked for a receipt), and the
/// connection is closed.</para>
/// <para>Concurrency: one lock guards all routing state; frames for clients go to per-connection unbounded outboxes
/// that one write loop per connection drains, so a slow client never holds up the others (it only grows its outbox).</para>
/// </remarks>
public sealed class StompBroker : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _listener;
    private readonly Router _router;
    private readonly ConcurrentDictionary<string, BrokerSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<BrokerConnection, Task> _running = new();
    private readonly Channel<BrokerEvent> _eventQueue = Channel.CreateUnbounded<BrokerEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Broadcast<BrokerEvent> _events;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private readonly Task _eventLoop;
    private long _nextSession;
    private int _disposed;

    private StompBroker(StompBrokerOptions options)
    {
        Options = options;
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<StompBroker>();
        Faults = new BrokerFaults(this);
        _events = new Broadcast<BrokerEvent>(e => BrokerLog.ObserverFault(Logger, e));
        _router = new Router(options.MaxPendingPerQueue, Publish);
        _listener = new Socket(options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(options.Address, options.Port));
            _listener.Listen(512);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        var bound = (IPEndPoint)_listener.LocalEndPoint!;
        Endpoint = new StompEndpoint(bound.Address.ToString(), bound.Port);
        _eventLoop = Task.Run(EventLoopAsync);
        _acceptLoop = Task.Run(AcceptLoopAsync);
        BrokerLog.Started(Logger, Endpoint.ToString());
    }

    /// <summary>Starts a broker listening on <see cref="StompBrokerOptions.Address"/> and <see cref="StompBrokerOptions.Port"/>.</summary>
    /// <param name="options">The settings; <see cref="StompBrokerOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running broker; dispose it to stop it.</returns>
    /// <exception cref="ArgumentException">The options cannot work.</exception>
    /// <exception cref="SocketException">The address and port cannot be listened on.</exception>
    public static Task<StompBroker> StartAsync(StompBrokerOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new StompBroker((options ?? StompBrokerOptions.Default).Validate()));
    }

    /// <summary>The options the broker was started with.</summary>
    public StompBrokerOptions Options { get; }

    /// <summary>Where the broker listens: the address and the port actually bound (the ephemeral one, by default).</summary>
    public StompEndpoint Endpoint { get; }

    /// <summary>Fault injection: drop connections, withhold heart-beats, refuse connects, send ERRORs, split and delay writes.</summary>
    public BrokerFaults Faults { get; }

    /// <summary>
    /// What happens to connections, subscriptions and unacknowledged messages, in order, on a thread of the broker's
    /// own (never under its lock). Hot; completes when the broker is disposed. An observer that throws is logged and
    /// the broker goes on.
    /// </summary>
    public IObservable<BrokerEvent> Events => _events;

    /// <summary>Open TCP connections, whether or not their CONNECT was accepted yet.</summary>
    public int ConnectionCount => _sessions.Count;

    /// <summary>The session ids (the <c>session</c> header of CONNECTED) of the open connections.</summary>
    public IReadOnlyList<string> SessionIds => [.. _sessions.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Subscriptions across every connection (queues and topics).</summary>
    public int SubscriptionCount
    {
        get
        {
            lock (_router.Gate)
            {
                return _router.SubscriptionCount;
            }
        }
    }

    /// <summary>The queues that exist: every queue that was sent to or subscribed to since the start.</summary>
    public IReadOnlyList<string> Queues
    {
        get
        {
            lock (_router.Gate)
            {
                return _router.QueueNames();
            }
        }
    }

    /// <summary>
    /// A snapshot of the durable topic subscription <paramref name="name"/> (its <see cref="BrokerQueueInfo.Destination"/>
    /// is the topic, its <see cref="BrokerQueueInfo.Pending"/> what it keeps for its client), or null when there is none.
    /// </summary>
    public BrokerQueueInfo? GetDurableSubscription(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_router.Gate)
        {
            return _router.Durables.Describe(name);
        }
    }

    /// <summary>A snapshot of the queue <paramref name="destination"/> (e.g. <c>/queue/orders</c>); all zeros if it does not exist yet.</summary>
    public BrokerQueueInfo GetQueue(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        lock (_router.Gate)
        {
            return _router.Describe(destination) ?? new BrokerQueueInfo(destination, 0, 0, 0);
        }
    }

    internal ILogger Logger { get; }

    /// <summary>Queues an event for <see cref="Events"/>; called under the router's lock, so events keep its order.</summary>
    internal void Publish(BrokerEvent brokerEvent) => _eventQueue.Writer.TryWrite(brokerEvent);

    internal void OnSessionClosed(BrokerSession session, Exception? reason, string? endReason)
    {
        _sessions.TryRemove(session.Id, out _);
        var message = reason?.Message ?? endReason ?? "The broker closed the connection.";
        Publish(new BrokerEvent(BrokerEventKind.Disconnected, session.Id, Message: message, Error: reason));
        BrokerLog.Closed(Logger, session.Id, message);
    }

    internal bool Drop(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            return false;
        }

        BrokerLog.Dropped(Logger, sessionId);
        session.Connection.Abort(new StompConnectionException("Dropped by an injected fault."), reset: true);
        return true;
    }

    internal int DropAll() => _sessions.Keys.Count(Drop);

    internal int SendErrorToAll(string message, bool close)
    {
        var count = 0;
        foreach (var session in _sessions.Values.Where(s => s.IsOpen))
        {
            session.Fail(message, null, null, [], close);
            count++;
        }

        return count;
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && _stopping.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that failed between SYN and accept: take the next one.
                continue;
            }

            socket.NoDelay = true;
            var id = "session-" + Interlocked.Increment(ref _nextSession).ToString(CultureInfo.InvariantCulture);
            var connection = new BrokerConnection(socket, Faults, Options.Limits, Options.CloseTimeout);
            var session = new BrokerSession(this, _router, id, connection);
            _sessions[id] = session;
            BrokerLog.Accepted(Logger, id, connection.Remote);
            connection.Start(session);
            _running[connection] = connection.Completion;
            _ = connection.Completion.ContinueWith(_ => _running.TryRemove(connection, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (_stopping.IsCancellationRequested)
            {
                connection.Abort(null, reset: false);
            }
        }
    }

    private async Task EventLoopAsync()
    {
        await foreach (var brokerEvent in _eventQueue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _events.OnNext(brokerEvent);
        }

        _events.OnCompleted();
    }

    /// <summary>
    /// Stops listening, closes every connection (clients see the socket close, without ERROR), waits for their loops
    /// to end (a few seconds at most), and completes <see cref="Events"/>. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var session in _sessions.Values)
        {
            session.Connection.Abort(null, reset: false);
        }

        var running = Task.WhenAll(_running.Values);
        if (await Task.WhenAny(running, Task.Delay(StopTimeout)).ConfigureAwait(false) != running)
        {
            BrokerLog.SlowStop(Logger, StopTimeout.TotalSeconds);
        }

        _eventQueue.Writer.TryComplete();
        await _eventLoop.ConfigureAwait(false);
        _stopping.Dispose();
        BrokerLog.Stopped(Logger, Endpoint.ToString());
    }
}

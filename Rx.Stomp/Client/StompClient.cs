using System.Diagnostics;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tracing;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// A STOMP client. Everything the broker sends is the hot stream <see cref="Frames"/>; <see cref="Messages"/>,
/// <see cref="Receipts"/>, <see cref="Errors"/>, <see cref="Heartbeats"/> and <see cref="State"/> are derived from it.
/// <see cref="Watch"/> subscribes to a destination for as long as its observable is subscribed.
/// </summary>
/// <remarks>
/// Threading: frames, messages, receipts and heart-beats are delivered on the connection's reader, one at a time and
/// in wire order (one observer is never called twice at once, even across a reconnection); the client never switches
/// threads for delivery unless <see cref="StompClientOptions.DeliveryScheduler"/> names a scheduler (or use
/// <c>ObserveOn</c> for a UI). An exception thrown by an observer is caught there, reported on <see cref="Errors"/>
/// and in the log, and the connection goes on.
/// </remarks>
public sealed class StompClient : IAsyncDisposable, IDisposable
{
    private readonly StompClientOptions _options;
    private readonly ILogger _log;
    private readonly ErrorStream _errors;
    private readonly OutgoingFrames _outgoing;
    private readonly IdGenerator _ids = new();
    private readonly SendFrames _sendFrames = new();
    private readonly StateStream _state;
    private readonly Supervisor _supervisor;
    private readonly Watches _watches;
    private readonly Dispatcher _dispatcher;
    private readonly Outbox _outbox;
    private readonly Lifecycle _lifecycle;
    private int _disposed;

    /// <summary>Creates a client; nothing is connected until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options cannot work (see <see cref="StompClientOptions.Validate"/>).</exception>
    public StompClient(StompClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
        _log = options.LoggerFactory.CreateLogger<StompClient>();
        _errors = new ErrorStream(_log);
        _outgoing = new OutgoingFrames(_log, _errors, _options.BeforeSend, Hooks);
        _state = new StateStream(_errors.ReportObserverFault);
        _supervisor = new Supervisor(_options, _log, _state, _errors, NewSession, new Resumption(this));
        _watches = new Watches(_options, _log, _errors, _ids, _supervisor);
        _dispatcher = new Dispatcher(this, _options, _log, _errors, _watches, Hooks);
        _outbox = new Outbox(_options, _supervisor);
        _lifecycle = new Lifecycle(_options, _log, _supervisor, _outbox, _state);
    }

    /// <summary>The options this client was created with.</summary>
    public StompClientOptions Options => _options;

    /// <summary>Every frame the broker sends, heart-beats included (<see cref="Frame.IsHeartbeat"/>), across reconnects. Hot.</summary>
    public IObservable<Frame> Frames => Delivered(_dispatcher.Frames);

    /// <summary>Every MESSAGE, whichever subscription it belongs to. Hot.</summary>
    public IObservable<StompMessage> Messages => Delivered(_dispatcher.Messages);

    /// <summary>Every RECEIPT. Hot.</summary>
    public IObservable<Receipt> Receipts => Delivered(_dispatcher.Receipts);

    /// <summary>
    /// ERROR frames, protocol and connection faults, and exceptions thrown by observers, one call at a time whatever
    /// thread reported them. Hot; never ends in OnError.
    /// </summary>
    public IObservable<StompError> Errors => Delivered(_errors.Stream, _errors.OnErrorsObserverFault);

    /// <summary>Heart-beats received from the broker. Hot.</summary>
    public IObservable<HeartbeatReceived> Heartbeats => Delivered(_dispatcher.Heartbeats);

    /// <summary>The connection state: the current value first, then every change.</summary>
    public IObservable<ConnectionState> State => Delivered(_state);

    /// <summary>
    /// The state of every live watch first (subscribing, subscribed, re-subscribing after a lost connection), then
    /// every change, up to each watch's final state (failed, with the reason; or unsubscribed). Completes when the
    /// client is disposed.
    /// </summary>
    public IObservable<WatchState> WatchStates => Delivered(_watches.States);

    /// <summary>
    /// Every frame this client hands to its connection (CONNECT included, heart-beats not), as it is handed over,
    /// after <see cref="StompClientOptions.BeforeSend"/> and the listeners' <c>OnBeforeSend</c> changed it: stomp.py's
    /// <c>on_send</c>, as an observer. Delivered on the sending caller's thread (or through
    /// <see cref="StompClientOptions.DeliveryScheduler"/>), one call at a time. Hot.
    /// </summary>
    public IObservable<Frame> Sent => Delivered(_outgoing.Sent);

    /// <summary>Where the listener registry plugs in stomp.py's <c>on_before_message</c> and the listeners' <c>OnBeforeSend</c>.</summary>
    internal ListenerHooks Hooks { get; } = new();

    /// <summary>The current connection state.</summary>
    public ConnectionState CurrentState => _state.Current;

    /// <summary>The negotiated version, while connected.</summary>
    public StompVersion? Version => _supervisor.Current?.Version;

    /// <summary>Whether CONNECTED was received and the connection is open.</summary>
    public bool IsConnected => _supervisor.Current is { IsOpen: true };

    /// <summary>
    /// Opens a connection: tries each endpoint in order until one accepts, sends CONNECT, and waits for CONNECTED,
    /// retrying with <see cref="StompClientOptions.ConnectRetry"/>. From then on the client keeps itself connected:
    /// a lost connection is reopened with <see cref="StompClientOptions.Reconnect"/> and every live watch is
    /// subscribed again. Does nothing if already connected or connecting. Cancelling <paramref name="cancellationToken"/>
    /// ends the caller's wait, not the connect, which goes on in the background: <see cref="DisconnectAsync(CancellationToken)"/>
    /// stops it.
    /// </summary>
    /// <exception cref="StompErrorException">The broker refused (bad login, unknown virtual host…); not retried.</exception>
    /// <exception cref="StompVersionException">The broker chose a version that was not offered; not retried.</exception>
    /// <exception cref="StompConnectionException">No endpoint could be reached within the attempts.</exception>
    /// <exception cref="StompTimeoutException">No CONNECTED within <see cref="StompClientOptions.ConnectTimeout"/>, on every attempt.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _lifecycle.ConnectAsync(cancellationToken);
    }

    /// <summary>
    /// Stops reconnecting, sends DISCONNECT with a receipt, waits for it at most
    /// <see cref="StompClientOptions.DisconnectTimeout"/>, then closes the connection. Watches stay registered and
    /// are subscribed again by the next <see cref="ConnectAsync"/>; frames still waiting for a connection fail.
    /// Cancelling stops the wait for the RECEIPT: the connection is closed all the same.
    /// </summary>
    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        _lifecycle.DisconnectAsync(DisconnectOptions.Default, cancellationToken);

    /// <summary>
    /// As <see cref="DisconnectAsync(CancellationToken)"/>, with the DISCONNECT's headers and receipt id
    /// (stomp.py's <c>disconnect(receipt, headers)</c>).
    /// </summary>
    public Task DisconnectAsync(DisconnectOptions? options, CancellationToken cancellationToken = default) =>
        _lifecycle.DisconnectAsync(options ?? DisconnectOptions.Default, cancellationToken);

    /// <summary>
    /// A cold observable of the messages sent to <paramref name="destination"/>: each <c>Subscribe()</c> sends
    /// SUBSCRIBE with its own id (now, or once connected), and disposing it sends UNSUBSCRIBE. Two <c>Subscribe()</c>s
    /// are two subscriptions on the broker, which split a queue's messages between them: <see cref="SharedWatch"/>
    /// makes one serve them all. Subscribing never throws; a SUBSCRIBE the broker refuses, or an ERROR naming the
    /// subscription (the broker cancelled it), ends that subscription with <c>OnError</c>, and so does the client
    /// giving up reconnecting.
    /// </summary>
    /// <exception cref="ArgumentException">The options cannot work (a <see cref="SubscribeOptions.Prefetch"/> under 1, a durable watch with another id…).</exception>
    public IObservable<StompMessage> Watch(string destination, SubscribeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return Delivered(new WatchObservable(this, destination, options?.Validate() ?? new SubscribeOptions()));
    }

    /// <summary>
    /// Like <see cref="Watch"/>, but shared: however many subscribe, one SUBSCRIBE serves them all, and the last one
    /// leaving sends UNSUBSCRIBE. A subscriber coming after that, or after the shared subscription ended (refused,
    /// cancelled, the client gave up), starts a new one: unlike <c>Publish().RefCount()</c>, an end is not for good.
    /// </summary>
    /// <exception cref="ArgumentException">The options cannot work, as for <see cref="Watch"/>.</exception>
    public IObservable<StompMessage> SharedWatch(string destination, SubscribeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var watch = new SerializedDelivery<StompMessage>(new WatchObservable(this, destination, options?.Validate() ?? new SubscribeOptions()), _errors.ReportObserverFault);
        return Delivered(new SharedWatch(watch, _errors.ReportObserverFault));
    }

    /// <summary>
    /// stomp.py's <c>unsubscribe(id, headers)</c>: ends the watch with subscription <paramref name="id"/> (its observer
    /// completes) and sends UNSUBSCRIBE with <paramref name="headers"/> (else the watch's
    /// <see cref="SubscribeOptions.UnsubscribeHeaders"/>) if its SUBSCRIBE went to the current connection; with no such
    /// watch, sends the UNSUBSCRIBE as it is (a subscription made by hand, a durable one to remove). With
    /// <paramref name="receipt"/>, completes at the RECEIPT: the broker sends nothing more for the subscription.
    /// </summary>
    /// <exception cref="StompConnectionException">No watch of that id and not connected, or the connection was lost before the RECEIPT.</exception>
    /// <exception cref="StompErrorException">The broker refused the UNSUBSCRIBE (the watch has ended all the same).</exception>
    public Task UnsubscribeAsync(string id, StompHeaders? headers = null, bool receipt = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ThrowIfDisposed();
        return _watches.UnsubscribeAsync(id, headers, receipt, cancellationToken);
    }

    /// <summary>
    /// Removes the durable subscription <paramref name="name"/> of <paramref name="destination"/> (see
    /// <see cref="SubscribeOptions.Durable"/>) from the broker, as the connected broker wants it; what the broker kept
    /// for it is dropped, and nothing more is kept. A live watch of it ends first (its observer completes). Completes
    /// at the broker's RECEIPT. On RabbitMQ (and a broker not recognised) the subscription is attached for a moment,
    /// since RabbitMQ removes only a subscription of the connection that asks: with a window of one message, so at
    /// most one of the messages being dropped may show on <see cref="Messages"/>.
    /// </summary>
    /// <exception cref="StompConnectionException">Not connected, or the connection was lost before the RECEIPT.</exception>
    /// <exception cref="StompErrorException">The broker refused (ActiveMQ: no such subscription; the embedded broker: none, or another connection consumes from it).</exception>
    public Task RemoveDurableSubscriptionAsync(string destination, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfDisposed();
        return DurableRemoval.RemoveAsync(_watches, _supervisor, destination, name, cancellationToken);
    }

    /// <summary>Sends <paramref name="body"/> to <paramref name="destination"/>.</summary>
    /// <exception cref="StompConnectionException">Not connected, or the connection was lost before the receipt.</exception>
    /// <exception cref="StompErrorException">The broker refused the frame (only seen with a receipt).</exception>
    public Task SendAsync(string destination, ReadOnlyMemory<byte> body, SendOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(destination, body, options, parent: default, cancellationToken);

    /// <summary>As the public <c>SendAsync</c>, in the trace of <paramref name="parent"/> when it is set (see <see cref="SendTracing"/>).</summary>
    internal Task SendAsync(string destination, ReadOnlyMemory<byte> body, SendOptions? options, ActivityContext parent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ThrowIfDisposed();
        options ??= SendOptions.Default;
        return SendTracing.SendAsync(BuildSend(destination, body, options, transaction: null), _supervisor.Current?.Endpoint, parent,
            (Outbox: _outbox, Options: options, Cancellation: cancellationToken),
            static (s, frame) => s.Outbox.SendAsync(frame, s.Options.Receipt, s.Options.ContentLength, s.Cancellation));
    }

    /// <summary>Sends <paramref name="text"/>, encoded with <see cref="StompClientOptions.TextEncoding"/>, to <paramref name="destination"/>.</summary>
    public Task SendAsync(string destination, string text, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(destination, _options.TextEncoding.GetBytes(text), options, cancellationToken);
    }

    internal Frame BuildSend(string destination, ReadOnlyMemory<byte> body, SendOptions options, string? transaction)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return _sendFrames.Build(destination, body, options, transaction);
    }

    /// <summary>Sends any client frame, optionally waiting for its RECEIPT (never on CONNECT).</summary>
    /// <returns>The RECEIPT frame when <paramref name="receipt"/> is set, else <see langword="null"/> once the frame is queued for the socket.</returns>
    public async Task<Frame?> SendFrameAsync(Frame frame, bool receipt = false, bool contentLength = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Command is StompCommand.Connect or StompCommand.Stomp)
        {
            throw new ArgumentException("CONNECT is sent by ConnectAsync.", nameof(frame));
        }

        ThrowIfDisposed();
        return await _outbox.SendAsync(frame, receipt, contentLength, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Begins a transaction; disposing it without <see cref="StompTransaction.CommitAsync(bool, CancellationToken)"/> aborts it.</summary>
    public Task<StompTransaction> BeginTransactionAsync(bool receipt = false, CancellationToken cancellationToken = default) =>
        BeginTransactionAsync(new TransactionOptions { Receipt = receipt }, cancellationToken);

    /// <summary>Begins a transaction with a chosen id and BEGIN headers (stomp.py's <c>begin(transaction, headers)</c>).</summary>
    /// <exception cref="StompConnectionException">Not connected: a transaction never waits for a connection.</exception>
    public Task<StompTransaction> BeginTransactionAsync(TransactionOptions? options, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return StompTransaction.BeginAsync(this, _supervisor, options ?? TransactionOptions.Default, _ids, cancellationToken);
    }

    /// <summary>
    /// Acknowledges a message by a stored id, on the current connection (or the transaction's): stomp.py's
    /// <c>ack(id, subscription, transaction, receipt)</c>. The id is the MESSAGE's <c>ack</c> header on STOMP 1.2, its
    /// <c>message-id</c> before; STOMP 1.1 also needs the <paramref name="subscription"/>.
    /// </summary>
    /// <exception cref="StompConnectionException">Not connected: an id means nothing to another connection, so it never waits for one.</exception>
    public Task AckAsync(string id, string? subscription = null, StompTransaction? transaction = null, bool receipt = false, StompHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Acknowledgement.SendAsync(_supervisor, StompCommand.Ack, id, subscription, transaction, receipt, headers, cancellationToken);
    }

    /// <summary>Refuses a message by a stored id, as <see cref="AckAsync(string, string?, StompTransaction?, bool, StompHeaders?, CancellationToken)"/> (STOMP 1.1 and later).</summary>
    /// <exception cref="NotSupportedException">The connection speaks STOMP 1.0, which has no NACK.</exception>
    public Task NackAsync(string id, string? subscription = null, StompTransaction? transaction = null, bool receipt = false, StompHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Acknowledgement.SendAsync(_supervisor, StompCommand.Nack, id, subscription, transaction, receipt, headers, cancellationToken);
    }

    /// <summary>A session over <paramref name="connection"/> whose frames the client takes in.</summary>
    internal Session NewSession(StompConnection connection)
    {
        var session = new Session(connection, _options, _outgoing, _errors, _ids, _log);
        _dispatcher.Attach(session);
        return session;
    }

    /// <summary>The live watches (for <see cref="Resumption"/>).</summary>
    internal Watches Watches => _watches;

    /// <summary>Where frames not bound to a connection go (for <see cref="Resumption"/>).</summary>
    internal Outbox Outbox => _outbox;

    /// <summary>Registers a watch for <see cref="WatchObservable"/>; a disposed client ends it at once.</summary>
    internal IDisposable AddWatch(string destination, SubscribeOptions options, IObserver<StompMessage> observer)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            observer.OnError(new ObjectDisposedException(nameof(StompClient)));
            return Disposable.Empty;
        }

        return _watches.Add(destination, options, observer);
    }

    /// <summary>Each subscriber is called one call at a time: on the readers, or through the delivery scheduler when one is set.</summary>
    private IObservable<T> Delivered<T>(IObservable<T> stream, Action<Exception>? onObserverFault = null) =>
        _options.DeliveryScheduler is { } scheduler
            ? new ScheduledDelivery<T>(stream, scheduler, onObserverFault ?? _errors.ReportObserverFault)
            : new SerializedDelivery<T>(stream, onObserverFault ?? _errors.ReportObserverFault);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>
    /// Disconnects (bounded by <see cref="StompClientOptions.DisconnectTimeout"/>, on the wall clock too, so that a
    /// virtual clock nobody advances cannot hold it), completes every stream and ends every watch. Called from an
    /// observer, it does not wait for what that observer's reader would bring.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifecycle.EndAsync().ConfigureAwait(false);
        _watches.CompleteAll();
        _state.Set(new ConnectionState(ConnectionStateKind.Disposed));
        _state.OnCompleted();
        _dispatcher.Complete();
        _outgoing.Complete();
        _errors.Complete();
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

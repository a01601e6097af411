using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// A STOMP client. Everything the broker sends is the hot stream <see cref="Frames"/>; <see cref="Messages"/>,
/// <see cref="Receipts"/>, <see cref="Errors"/>, <see cref="Heartbeats"/> and <see cref="State"/> are derived from it.
/// <see cref="Watch"/> subscribes to a destination for as long as its observable is subscribed.
/// </summary>
/// <remarks>
/// Threading: frames, messages, receipts, errors and heart-beats are delivered on the connection's read loop, one
/// at a time and in wire order; the client never switches threads for delivery unless
/// <see cref="StompClientOptions.DeliveryScheduler"/> names a scheduler (or use <c>ObserveOn</c> for a UI).
/// An exception thrown by an observer is caught there, reported on <see cref="Errors"/> and in the log, and the
/// connection goes on.
/// </remarks>
public sealed class StompClient : IAsyncDisposable, IDisposable
{
    private static readonly Task<Frame?> Unanswered = Task.FromResult<Frame?>(null);
    private readonly StompClientOptions _options;
    private readonly ILogger _log;
    private readonly Broadcast<Frame> _frames;
    private readonly Broadcast<StompMessage> _messages;
    private readonly Broadcast<Receipt> _receipts;
    private readonly Broadcast<StompError> _errors;
    private readonly Broadcast<Heartbeat> _heartbeats;
    private readonly Broadcast<Frame> _sent;
    private readonly Lock _sentGate = new();
    private readonly StateStream _state;
    private readonly ReceiptTracker _pendingReceipts = new();
    private readonly SubscriptionRegistry _watchers = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly OfflineQueue _offline = new();
    private Session? _session;
    private IDisposable? _supervisor;
    private TaskCompletionSource? _connecting;
    private long _nextId;
    private StompHeaders? _lastDestinationOnly;
    private int _disposed;

    /// <summary>Creates a client; nothing is connected until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options cannot work (see <see cref="StompClientOptions.Validate"/>).</exception>
    public StompClient(StompClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
        _log = options.LoggerFactory.CreateLogger<StompClient>();
        _frames = new Broadcast<Frame>(ReportObserverFault);
        _messages = new Broadcast<StompMessage>(ReportObserverFault);
        _receipts = new Broadcast<Receipt>(ReportObserverFault);
        _heartbeats = new Broadcast<Heartbeat>(ReportObserverFault);
        _sent = new Broadcast<Frame>(ReportObserverFault);
        _errors = new Broadcast<StompError>(ReportErrorsObserverFault);
        _state = new StateStream(ReportObserverFault);
    }

    /// <summary>The options this client was created with.</summary>
    public StompClientOptions Options => _options;

    /// <summary>Every frame the broker sends, heart-beats included (<see cref="Frame.IsHeartbeat"/>), across reconnects. Hot.</summary>
    public IObservable<Frame> Frames => Delivered(_frames);

    /// <summary>Every MESSAGE, whichever subscription it belongs to. Hot.</summary>
    public IObservable<StompMessage> Messages => Delivered(_messages);

    /// <summary>Every RECEIPT. Hot.</summary>
    public IObservable<Receipt> Receipts => Delivered(_receipts);

    /// <summary>ERROR frames, protocol and connection faults, and exceptions thrown by observers. Hot; never ends in OnError.</summary>
    public IObservable<StompError> Errors => Delivered(_errors, ReportErrorsObserverFault);

    /// <summary>Heart-beats received from the broker. Hot.</summary>
    public IObservable<Heartbeat> Heartbeats => Delivered(_heartbeats);

    /// <summary>The connection state: the current value first, then every change.</summary>
    public IObservable<ConnectionState> State => Delivered(_state);

    /// <summary>
    /// Every frame this client hands to its connection (CONNECT included, heart-beats not), as it is handed over:
    /// stomp.py's <c>on_send</c>. Delivered on the sending caller's thread (or through
    /// <see cref="StompClientOptions.DeliveryScheduler"/>), one call at a time. Hot.
    /// </summary>
    public IObservable<Frame> Sent => Delivered(_sent);

    /// <summary>
    /// Applied to each MESSAGE frame before it becomes a <see cref="StompMessage"/> for watches and <see cref="Messages"/>
    /// (stomp.py's <c>on_before_message</c>); set by the listener registry. Runs on the read loop.
    /// </summary>
    internal Func<Frame, Frame>? BeforeMessage { get; set; }

    /// <summary>The current connection state.</summary>
    public ConnectionState CurrentState => _state.Current;

    /// <summary>The negotiated version, while connected.</summary>
    public StompVersion? Version => _session?.Version;

    /// <summary>Whether CONNECTED was received and the connection is open.</summary>
    public bool IsConnected => _session is not null;

    /// <summary>
    /// Opens a connection: tries each endpoint in order until one accepts, sends CONNECT, and waits for CONNECTED,
    /// retrying with <see cref="StompClientOptions.ConnectRetry"/>. From then on the client keeps itself connected:
    /// a lost connection is reopened with <see cref="StompClientOptions.Reconnect"/> and every live watch is
    /// subscribed again. Does nothing if already connected or connecting.
    /// </summary>
    /// <exception cref="StompErrorException">The broker refused (bad login, unknown virtual host…); not retried.</exception>
    /// <exception cref="StompConnectionException">No endpoint could be reached within the attempts.</exception>
    /// <exception cref="StompTimeoutException">No CONNECTED within <see cref="StompClientOptions.ConnectTimeout"/>, on every attempt.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        Task connecting;
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connecting = _connecting?.Task ?? StartSupervising();
        }
        finally
        {
            _lifecycle.Release();
        }

        // Awaited outside the lock, so that DisconnectAsync and DisposeAsync can stop a connect that is under way.
        await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task StartSupervising()
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var supervisor = new SingleAssignmentDisposable();
        _connecting = first;
        _supervisor = supervisor;
        supervisor.Disposable = Supervise(OpenWithRetries(_options.ConnectRetry)).Subscribe(
            session =>
            {
                OnSessionOpened(session);
                first.TrySetResult();
            },
            error =>
            {
                OnGaveUp(supervisor, error);
                first.TrySetException(error);
            });
        return first.Task;
    }

    /// <summary>
    /// The client's life as an observable of sessions: each one is followed, once lost, by the sessions that
    /// <see cref="StompClientOptions.Reconnect"/> opens in its place. It ends quietly when a session is closed on purpose.
    /// </summary>
    private IObservable<Session> Supervise(IObservable<Session> opening) =>
        opening.SelectMany(session => Observable.Return(session).Concat(
            Observable.FromAsync(() => session.Ended).SelectMany(lost => lost is null
                ? Observable.Empty<Session>()
                : Supervise(OpenWithRetries(_options.Reconnect)))));

    private IObservable<Session> OpenWithRetries(BackoffPolicy policy) =>
        Observable.FromAsync(OpenSessionOrCloseAsync).RetryWithBackoff(policy, _options.Scheduler, IsRetryable, OnRetry);

    private async Task<Session> OpenSessionOrCloseAsync(CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            // Opened just as the client stopped wanting it.
            await session.Connection.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return session;
    }

    /// <summary>
    /// A refused CONNECT is final: retrying a wrong password only locks accounts; so is a refused TLS handshake, as a
    /// certificate does not heal by retrying. Anything else may heal.
    /// </summary>
    private static bool IsRetryable(Exception error) =>
        error is (StompConnectionException and not StompTlsException) or StompTimeoutException or StompProtocolException;

    private void OnRetry(RetryAttempt retry)
    {
        _errors.OnNext(new StompError(retry.Error is StompProtocolException ? StompErrorKind.Protocol : StompErrorKind.Connection, retry.Error));
        _state.Set(new ConnectionState(ConnectionStatus.Reconnecting, Attempt: retry.Attempt, NextDelay: retry.Delay, Error: retry.Error));
    }

    private void OnSessionOpened(Session session)
    {
        var connected = session.Connected.Result;
        session.StartHeartbeats(_options.Scheduler, timeout => _errors.OnNext(new StompError(StompErrorKind.HeartbeatTimeout, timeout)));
        _session = session;
        if (session.Ended.IsCompleted)
        {
            // Lost between CONNECTED and here: OnSessionEnded found no current session to clear, so clear it now;
            // the supervisor is already opening the next one.
            Interlocked.CompareExchange(ref _session, null, session);
            return;
        }

        _state.Set(new ConnectionState(ConnectionStatus.Connected, session.Connection.Endpoint, session.Version,
            connected.Headers[StompHeaderNames.Session], connected.Headers[StompHeaderNames.Server]));
        Log.Connected(_log, session.Connection.Endpoint, session.Version.ToWire());
        _ = ResumeAsync(session);
    }

    /// <summary>After CONNECTED: every live watch is subscribed again, then the frames queued while offline go out in order.</summary>
    private async Task ResumeAsync(Session session)
    {
        _offline.BeginDrain();
        foreach (var watcher in _watchers.All)
        {
            // Only the write is awaited: the SUBSCRIBEs must go out before the queued SENDs, their receipts need not.
            await StartSubscribeAsync(session, watcher).ConfigureAwait(false);
        }

        while (_offline.TryDequeue() is { } item)
        {
            try
            {
                var written = item.Receipt
                    ? await StartWithReceiptAsync(session, item.Frame, item.ContentLength, _options.ReceiptTimeout, CancellationToken.None).ConfigureAwait(false)
                    : null;
                if (written is null)
                {
                    await WriteAsync(session, item.Frame, item.ContentLength, CancellationToken.None).ConfigureAwait(false);
                    item.Finish(s => s.TrySetResult(null));
                }
                else
                {
                    _ = written.ContinueWith(t => item.Finish(s => _ = t.IsCompletedSuccessfully ? s.TrySetResult(t.Result) : s.TrySetException(t.Exception!.InnerExceptions)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
            catch (StompConnectionException) when (!ReferenceEquals(_session, session))
            {
                // Lost again while draining: the frame waits for the next connection.
                _offline.Requeue(item);
                return;
            }
#pragma warning disable CA1031 // One frame's failure is its caller's alone: the rest of the queue goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                item.Finish(s => s.TrySetException(e));
            }
        }
    }

    private void OnGaveUp(IDisposable supervisor, Exception error)
    {
        if (!ReferenceEquals(Interlocked.CompareExchange(ref _supervisor, null, supervisor), supervisor))
        {
            return;
        }

        _connecting = null;

        _state.Set(new ConnectionState(ConnectionStatus.Faulted, Error: error));
        var final = new StompConnectionException($"The client gave up connecting: {error.Message}", error);
        _offline.FailAll(final);
        foreach (var watcher in _watchers.RemoveAll())
        {
            Deliver(watcher, o => o.OnError(final));
        }
    }

    private void StopSupervising(IDisposable supervisor)
    {
        if (ReferenceEquals(Interlocked.CompareExchange(ref _supervisor, null, supervisor), supervisor))
        {
            supervisor.Dispose();
            Interlocked.Exchange(ref _connecting, null)?.TrySetException(new StompConnectionException("The client was disconnected while connecting."));
        }
    }

    private async Task<Session> OpenSessionAsync(CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        foreach (var endpoint in EndpointOrder.Arrange(_options.Endpoints, _options.PreferLocalhost, _options.TryLoopbackConnect))
        {
            _state.Set(new ConnectionState(ConnectionStatus.Connecting, endpoint));
            try
            {
                return await OpenSessionAsync(endpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRetryable(e) || e is StompTlsException)
            {
                // Unreachable, silent, garbled or with a refused certificate: the next endpoint may do better. A refused login is thrown as it is.
                Log.ConnectFailed(_log, endpoint, e.Message);
                failures.Add(e);
            }
        }

        // Whether this is final is the supervisor's call (State shows Reconnecting or Faulted): final when every
        // endpoint refused TLS.
        if (failures.Count == 1)
        {
            throw failures[0];
        }

        var message = $"Could not connect to any of {failures.Count} endpoints: {string.Join("; ", failures.Select(f => f.Message))}";
        throw failures.All(f => f is StompTlsException)
            ? new StompTlsException(((StompTlsException)failures[0]).Reason, message, new AggregateException(failures))
            : new StompConnectionException(message, new AggregateException(failures));
    }

    /// <summary>A TLS endpoint without settings of its own gets the client's.</summary>
    private StompEndpoint WithTls(StompEndpoint endpoint) =>
        endpoint.Kind.UsesTls() && endpoint.Tls is null ? endpoint with { Tls = _options.Tls } : endpoint;

    private async Task<Session> OpenSessionAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        // The deadline runs on the options' scheduler, like every other timeout, so virtual time can drive it.
        using var timeout = new CancellationTokenSource();
        using var timer = _options.Scheduler.Schedule(_options.ConnectTimeout, timeout.Cancel);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Stream stream;
        try
        {
            stream = await _options.Transport.ConnectAsync(WithTls(endpoint), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StompConnectionException($"Could not connect to {endpoint} within {_options.ConnectTimeout.TotalSeconds:0.###} s.");
        }

        var session = new Session(this, _options);
        var connection = new StompConnection(stream, endpoint, new FrameReader(StompVersion.V12, _options.Limits), new FrameWriter(StompVersion.V12), session);
        session.Attach(connection);
        try
        {
            var connected = session.Connected.WithTimeout(_options.ConnectTimeout, _options.Scheduler,
                () => new StompTimeoutException($"No CONNECTED from {endpoint} within {_options.ConnectTimeout.TotalSeconds:0.###} s."),
                cancellationToken);
            try
            {
                await WriteAsync(session, Handshake.BuildConnectFrame(_options), contentLength: false, cancellationToken).ConfigureAwait(false);
            }
            catch (StompConnectionException)
            {
                // The connection ended before CONNECT could leave (a TLS 1.3 server refusing the client certificate
                // does so right after the handshake): the reason it ended, which fails the wait below, is the one to report.
            }

            await connected.ConfigureAwait(false);
            return session;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops reconnecting, sends DISCONNECT with a receipt, waits for it at most
    /// <see cref="StompClientOptions.DisconnectTimeout"/>, then closes the connection. Watches stay registered and
    /// are subscribed again by the next <see cref="ConnectAsync"/>; frames still waiting for a connection fail.
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_supervisor is { } supervisor)
            {
                StopSupervising(supervisor);
            }

            _offline.FailAll(new StompConnectionException("The client was disconnected before the frame could be sent."));
            var session = _session;
            if (session is null || !session.MarkDisconnecting())
            {
                _state.Set(new ConnectionState(ConnectionStatus.Disconnected));
                return;
            }

            try
            {
                // Bounded as a whole, the write too: it may wait behind a send that a peer who stopped reading never lets finish.
                await WriteWithReceiptAsync(session, new Frame(StompCommand.Disconnect), contentLength: false, _options.DisconnectTimeout, cancellationToken)
                    .WithTimeout(_options.DisconnectTimeout, _options.Scheduler,
                        () => new StompTimeoutException($"DISCONNECT was not confirmed within {_options.DisconnectTimeout.TotalSeconds:0.###} s."), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is StompException)
            {
                Log.DisconnectUnconfirmed(_log, e.Message);
            }

            _session = null;
            await session.Connection.CloseAsync(_options.DisconnectTimeout).ConfigureAwait(false);
            _state.Set(new ConnectionState(ConnectionStatus.Disconnected, session.Connection.Endpoint));
            Log.Disconnected(_log, session.Connection.Endpoint);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// A cold observable of the messages sent to <paramref name="destination"/>: each <c>Subscribe()</c> sends
    /// SUBSCRIBE with its own id (now, or once connected), and disposing it sends UNSUBSCRIBE. Subscribing never
    /// throws; a SUBSCRIBE the broker refuses, or an ERROR naming the subscription (the broker cancelled it), ends
    /// that subscription with <c>OnError</c>.
    /// </summary>
    public IObservable<StompMessage> Watch(string destination, SubscribeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return Delivered(new WatchObservable(this, destination, options ?? new SubscribeOptions()));
    }

    /// <summary>Sends <paramref name="body"/> to <paramref name="destination"/>.</summary>
    /// <exception cref="StompConnectionException">Not connected, or the connection was lost before the receipt.</exception>
    /// <exception cref="StompErrorException">The broker refused the frame (only seen with a receipt).</exception>
    public Task SendAsync(string destination, ReadOnlyMemory<byte> body, SendOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(destination, body, options, transaction: null, cancellationToken);

    /// <summary>Sends <paramref name="text"/>, encoded with <see cref="StompClientOptions.TextEncoding"/>, to <paramref name="destination"/>.</summary>
    public Task SendAsync(string destination, string text, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(destination, _options.TextEncoding.GetBytes(text), options, transaction: null, cancellationToken);
    }

    internal Task SendAsync(string destination, ReadOnlyMemory<byte> body, SendOptions? options, string? transaction, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        options ??= SendOptions.Default;
        var frame = new Frame(StompCommand.Send, SendHeaders(destination, options, transaction), body);
        return SendFrameCoreAsync(frame, options.Receipt, options.ContentLength, cancellationToken);
    }

    /// <summary>The SEND headers: destination first, then the caller's, then content type and transaction, each once.</summary>
    private StompHeaders SendHeaders(string destination, SendOptions options, string? transaction)
    {
        var extra = options.Headers;
        if (extra.Count == 0 && options.ContentType is null && transaction is null)
        {
            // The usual send names only a destination, mostly the previous one: its headers (immutable) are reused.
            var last = _lastDestinationOnly;
            if (last is not null && string.Equals(last[0].Value, destination, StringComparison.Ordinal))
            {
                return last;
            }

            return _lastDestinationOnly = StompHeaders.Create((StompHeaderNames.Destination, destination));
        }

        var items = new KeyValuePair<string, string>[1 + extra.Count + (options.ContentType is null ? 0 : 1) + (transaction is null ? 0 : 1)];
        var n = 0;
        items[n++] = new(StompHeaderNames.Destination, destination);
        foreach (var header in extra)
        {
            if (header.Key is not StompHeaderNames.Destination
                && !(options.ContentType is not null && header.Key == StompHeaderNames.ContentType)
                && !(transaction is not null && header.Key == StompHeaderNames.Transaction))
            {
                items[n++] = header;
            }
        }

        if (options.ContentType is not null)
        {
            items[n++] = new(StompHeaderNames.ContentType, options.ContentType);
        }

        if (transaction is not null)
        {
            items[n++] = new(StompHeaderNames.Transaction, transaction);
        }

        return new StompHeaders(n == items.Length ? items : items[..n]);
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

        return await SendFrameCoreAsync(frame, receipt, contentLength, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="frame"/> now if connected and nothing waits before it, else queues it (or fails) per
    /// <see cref="StompClientOptions.OfflineSends"/>. Without a receipt the common case completes synchronously.
    /// </summary>
    private Task<Frame?> SendFrameCoreAsync(Frame frame, bool receipt, bool contentLength, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var session = _session;
        if (session is null || session.IsDisconnecting || !_offline.IsIdle)
        {
            return SendOfflineAsync(session, frame, receipt, contentLength, cancellationToken);
        }

        if (receipt)
        {
            return SentAgainIfEndedAsync(WriteWithReceiptAsync(session, frame, contentLength, _options.ReceiptTimeout, cancellationToken), session, frame, receipt, contentLength, cancellationToken);
        }

        var write = WriteAsync(session, frame, contentLength, cancellationToken);
        return write.IsCompletedSuccessfully
            ? Unanswered
            : SentAgainIfEndedAsync(UnansweredAsync(write), session, frame, receipt, contentLength, cancellationToken);
    }

    private Task<Frame?> SendOfflineAsync(Session? session, Frame frame, bool receipt, bool contentLength, CancellationToken cancellationToken)
    {
        var offline = session is null || session.IsDisconnecting;
        if (offline && (_options.OfflineSends == OfflineSends.Fail || !IsReconnecting))
        {
            RequireSession();
        }

        if (_offline.TryEnqueue(frame, receipt, contentLength, _options, cancellationToken) is { } queued)
        {
            return queued;
        }

        // Connected, and the queue drained between the checks: write directly after all, on the current connection.
        session = RequireSession();
        var direct = receipt
            ? WriteWithReceiptAsync(session, frame, contentLength, _options.ReceiptTimeout, cancellationToken)
            : UnansweredAsync(WriteAsync(session, frame, contentLength, cancellationToken));
        return SentAgainIfEndedAsync(direct, session, frame, receipt, contentLength, cancellationToken);
    }

    /// <summary>
    /// Awaits a write made directly on <paramref name="session"/>. One that found the connection already ended (its
    /// end not yet taken in) wrote nothing: a plain SEND then goes out the way any send does once that end is taken
    /// in (on the next connection, into the offline queue, or failing as the options say), instead of failing for a
    /// race with the end. Frames bound to their connection (ACK, NACK, a transaction's) are not sent elsewhere.
    /// </summary>
    private async Task<Frame?> SentAgainIfEndedAsync(Task<Frame?> direct, Session session, Frame frame, bool receipt, bool contentLength, CancellationToken cancellationToken)
    {
        try
        {
            return await direct.ConfigureAwait(false);
        }
        catch (ConnectionEndedException) when (frame.Command == StompCommand.Send && frame.Headers[StompHeaderNames.Transaction] is null)
        {
            await session.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (ReferenceEquals(Volatile.Read(ref _session), session))
            {
                // Closed by this side and not replaced: no later connection will take the frame.
                throw;
            }
        }

        return await SendFrameCoreAsync(frame, receipt, contentLength, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Frame?> UnansweredAsync(ValueTask write)
    {
        await write.ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Whether the client is connecting or waiting to reconnect, so that a send may wait for it: the supervisor runs
    /// until the client gives up or disconnects. (Not read from <see cref="State"/>, which says Connected for a moment
    /// after the session is gone.)
    /// </summary>
    private bool IsReconnecting => Volatile.Read(ref _supervisor) is not null;

    /// <summary>Begins a transaction; disposing it without <see cref="StompTransaction.CommitAsync"/> aborts it.</summary>
    public async Task<StompTransaction> BeginTransactionAsync(bool receipt = false, CancellationToken cancellationToken = default)
    {
        // A transaction lives and dies with one connection, so it never waits in the offline queue.
        var session = RequireSession();
        var id = NextId("tx");
        var begin = new Frame(StompCommand.Begin, StompHeaders.Create((StompHeaderNames.Transaction, id)));
        if (receipt)
        {
            await WriteWithReceiptAsync(session, begin, contentLength: false, _options.ReceiptTimeout, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(session, begin, contentLength: false, cancellationToken).ConfigureAwait(false);
        }

        return new StompTransaction(this, id, session.Connection);
    }

    internal async Task AcknowledgeAsync(StompMessage message, StompCommand command, StompTransaction? transaction, bool receipt, StompHeaders? extra, CancellationToken cancellationToken)
    {
        var session = RequireSession();
        if (!ReferenceEquals(message.Connection, session.Connection))
        {
            throw new StompConnectionException(
                $"Message {message.MessageId} was delivered by a connection that is gone; it cannot be {(command == StompCommand.Ack ? "acknowledged" : "refused")} on another, and the broker will redeliver it.");
        }

        if (command == StompCommand.Nack && session.Version == StompVersion.V10)
        {
            throw new NotSupportedException("STOMP 1.0 has no NACK.");
        }

        var headers = AckHeaders(message, session.Version);
        if (transaction is not null)
        {
            headers = headers.Set(StompHeaderNames.Transaction, transaction.Id);
        }

        if (extra is not null)
        {
            headers = headers.Concat(extra);
        }

        await SendFrameAsync(new Frame(command, headers), receipt, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The headers that identify a message in ACK/NACK: 1.2 its <c>ack</c>; 1.1 <c>message-id</c> and <c>subscription</c>; 1.0 <c>message-id</c>.</summary>
    internal static StompHeaders AckHeaders(StompMessage message, StompVersion version)
    {
        var messageId = message.MessageId ?? throw new StompProtocolException("The MESSAGE has no message-id to acknowledge.");
        return version switch
        {
            StompVersion.V12 => StompHeaders.Create((StompHeaderNames.Id, message.Ack ?? messageId)),
            StompVersion.V11 => StompHeaders.Create((StompHeaderNames.MessageId, messageId), (StompHeaderNames.Subscription, message.Subscription ?? "")),
            _ => StompHeaders.Create((StompHeaderNames.MessageId, messageId)),
        };
    }

    internal string NextId(string prefix) =>
        prefix + "-" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    internal Session RequireSession()
    {
        ThrowIfDisposed();
        var session = _session;
        if (session is null)
        {
            throw new StompConnectionException($"Not connected ({_state.Current}).");
        }

        if (session.IsDisconnecting)
        {
            throw new StompConnectionException("The client is disconnecting: nothing may be sent after DISCONNECT.");
        }

        return session;
    }

    private ValueTask WriteAsync(Session session, Frame frame, bool contentLength, CancellationToken cancellationToken)
    {
        if (_log.IsEnabled(LogLevel.Trace))
        {
            Log.Sending(_log, frame);
        }

        if (_sent.HasObservers)
        {
            // Writers run on any thread; observers of Sent get one call at a time.
            lock (_sentGate)
            {
                _sent.OnNext(frame);
            }
        }

        return session.WriteAsync(frame, contentLength, cancellationToken);
    }

    private async Task<Frame?> WriteWithReceiptAsync(Session session, Frame frame, bool contentLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = await StartWithReceiptAsync(session, frame, contentLength, timeout, cancellationToken).ConfigureAwait(false);
        return await answer.ConfigureAwait(false);
    }

    /// <summary>The RECEIPT <paramref name="wait"/> is for, or a <see cref="StompTimeoutException"/> after <paramref name="timeout"/>.</summary>
    private Task<Frame> ReceiptWithin(ReceiptTracker.ReceiptWait wait, string what, TimeSpan timeout, CancellationToken cancellationToken) =>
        wait.Answer.WithTimeout(timeout, _options.Scheduler,
            () => new StompTimeoutException($"No RECEIPT for {what} ({wait.Id}) within {timeout.TotalSeconds:0.###} s."),
            cancellationToken);

    /// <summary>Writes <paramref name="frame"/> with a new receipt id; the result is the wait for that RECEIPT.</summary>
    private async Task<Task<Frame>> StartWithReceiptAsync(Session session, Frame frame, bool contentLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // DISCONNECT is never refused for the limit: leaving must always be possible.
        var wait = _pendingReceipts.Register(session.Connection, frame.Command == StompCommand.Disconnect ? int.MaxValue : _options.MaxPendingReceipts);
        var id = wait.Id;
        // The deadline starts before the frame leaves, so that it bounds the whole round trip.
        var waiting = ReceiptWithin(wait, frame.Command.ToWire(), timeout, cancellationToken);
        _ = waiting.ContinueWith(_ => _pendingReceipts.Forget(id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await WriteAsync(session, new Frame(frame.Command, frame.Headers.Set(StompHeaderNames.Receipt, id), frame.Body), contentLength, cancellationToken).ConfigureAwait(false);
            wait.MarkWritten();
        }
        catch (Exception e)
        {
            _pendingReceipts.Fail(id, e);
            await waiting.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        return waiting;
    }

    internal IDisposable AddWatcher(string destination, SubscribeOptions options, IObserver<StompMessage> observer)
    {
        var watcher = new Watcher(options.Id ?? NextId("sub"), destination, options, observer);
        if (Volatile.Read(ref _disposed) != 0)
        {
            observer.OnError(new ObjectDisposedException(nameof(StompClient)));
            return Disposable.Empty;
        }

        if (!_watchers.TryAdd(watcher))
        {
            observer.OnError(new ArgumentException($"Subscription id '{watcher.Id}' is already in use on this client.", nameof(options)));
            return Disposable.Empty;
        }

        if (_session is { } session)
        {
            _ = SubscribeAsync(session, watcher);
        }

        return Disposable.Create(() => RemoveWatcher(watcher));
    }

    private async Task SubscribeAsync(Session session, Watcher watcher) => await await StartSubscribeAsync(session, watcher).ConfigureAwait(false);

    /// <summary>Writes the SUBSCRIBE of <paramref name="watcher"/>; the result is the wait for its confirmation.</summary>
    private async Task<Task> StartSubscribeAsync(Session session, Watcher watcher)
    {
        if (watcher.TryClaim(session.Connection) is not { } written)
        {
            return Task.CompletedTask;
        }

        var sent = false;
        try
        {
            var headers = StompHeaders.Create(
                (StompHeaderNames.Destination, watcher.Destination),
                (StompHeaderNames.Id, watcher.Id),
                (StompHeaderNames.Ack, watcher.Options.Ack.ToWire())).Concat(watcher.Options.Headers);
            if (watcher.Options.HeadersFactory is { } factory)
            {
                headers = headers.Concat(factory());
            }

            var frame = new Frame(StompCommand.Subscribe, headers);
            if (!watcher.Options.Receipt)
            {
                await WriteAsync(session, frame, contentLength: false, CancellationToken.None).ConfigureAwait(false);
                sent = true;
                return Task.CompletedTask;
            }

            var confirmed = await StartWithReceiptAsync(session, frame, contentLength: false, _options.ReceiptTimeout, CancellationToken.None).ConfigureAwait(false);
            sent = true;
            return ConfirmAsync(watcher, confirmed);
        }
#pragma warning disable CA1031 // Whatever went wrong is reported to this watch, or waits for the next connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnSubscribeFailed(watcher, e);
            return Task.CompletedTask;
        }
        finally
        {
            written.TrySetResult(sent);
        }
    }

    private async Task ConfirmAsync(Watcher watcher, Task<Frame> receipt)
    {
        try
        {
            await receipt.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // See StartSubscribeAsync.
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnSubscribeFailed(watcher, e);
        }
    }

    private void OnSubscribeFailed(Watcher watcher, Exception e)
    {
        if (e is StompErrorException or StompProtocolException or ArgumentException or InvalidOperationException)
        {
            // The broker refused this SUBSCRIBE, or its headers cannot be sent (or their factory threw): the error is this watch's own.
            EndWatch(watcher, e);
        }
        else
        {
            // The connection went away: the next one subscribes again.
            Log.SubscribeUnconfirmed(_log, watcher.Id, watcher.Destination, e.Message);
        }
    }

    /// <summary>Ends a watch the broker does not (or no longer) serve, without UNSUBSCRIBE: there is nothing to undo.</summary>
    private void EndWatch(Watcher watcher, Exception error)
    {
        if (_watchers.Remove(watcher))
        {
            watcher.Remove();
            Deliver(watcher, o => o.OnError(error));
        }
    }

    private void RemoveWatcher(Watcher watcher)
    {
        if (!_watchers.Remove(watcher))
        {
            return;
        }

        var (subscribedOn, subscribeWritten) = watcher.Remove();
        var session = _session;
        if (session is null || session.IsDisconnecting || !ReferenceEquals(subscribedOn, session.Connection))
        {
            return;
        }

        var headers = StompHeaders.Create((StompHeaderNames.Id, watcher.Id));
        if (session.Version == StompVersion.V10)
        {
            headers = headers.Add(StompHeaderNames.Destination, watcher.Destination);
        }

        _ = UnsubscribeAsync(session, new Frame(StompCommand.Unsubscribe, headers), subscribeWritten);
    }

    /// <summary>Writes UNSUBSCRIBE once the SUBSCRIBE it undoes was written (at once, usually); not at all if that was not.</summary>
    private async Task UnsubscribeAsync(Session session, Frame unsubscribe, Task<bool> subscribeWritten)
    {
        try
        {
            if (!await subscribeWritten.ConfigureAwait(false))
            {
                return;
            }

            await WriteAsync(session, unsubscribe, contentLength: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StompException e)
        {
            Log.UnsubscribeNotSent(_log, e.Message);
        }
    }

    /// <summary>Called on the read loop for every frame of <paramref name="session"/>.</summary>
    internal void Dispatch(Session session, Frame frame)
    {
        if (_log.IsEnabled(LogLevel.Trace))
        {
            Log.Received(_log, frame);
        }

        _frames.OnNext(frame);
        switch (frame.Command)
        {
            case StompCommand.Heartbeat:
                _heartbeats.OnNext(new Heartbeat(_options.Scheduler.Now));
                break;
            case StompCommand.Message:
                var message = new StompMessage(this, BeforeMessage is null ? frame : Intercept(frame), session.Connection, session.Version);
                if (_watchers.TryGet(message.Subscription, out var watcher))
                {
                    Deliver(watcher, message, static (o, m) => o.OnNext(m));
                }

                _messages.OnNext(message);
                break;
            case StompCommand.Receipt:
                var receiptId = frame.Headers[StompHeaderNames.ReceiptId] ?? "";
                _pendingReceipts.Complete(receiptId, frame);
                _receipts.OnNext(new Receipt(receiptId, frame));
                break;
            case StompCommand.Error:
                var error = new StompErrorException(frame);
                Log.ErrorFrame(_log, error.Message);
                if (frame.Headers[StompHeaderNames.Subscription] is { } cancelled && _watchers.TryGet(cancelled, out var ended))
                {
                    // RabbitMQ's "Server cancelled subscription" (its queue was deleted): that watch will get nothing more.
                    EndWatch(ended, error);
                }

                if (frame.Headers[StompHeaderNames.ReceiptId] is { } failedReceipt)
                {
                    _pendingReceipts.Fail(failedReceipt, error);
                }
                else if (_pendingReceipts.Doubt(session.Connection, error))
                {
                    // An ERROR that names no receipt may have refused any unanswered frame, or none (RabbitMQ's for a
                    // delivery that raced an UNSUBSCRIBE): a probe tells which, without failing the innocent.
                    _ = ProbeAsync(session);
                }

                _errors.OnNext(new StompError(StompErrorKind.ErrorFrame, error, frame));
                break;
        }
    }

    /// <summary>
    /// Settles the frames a receipt-less ERROR left in doubt (see <see cref="ReceiptTracker"/>). The probe is an empty
    /// transaction begun and aborted with a receipt: a no-op that every broker answers, in order.
    /// </summary>
    private async Task ProbeAsync(Session session)
    {
        try
        {
            while (_pendingReceipts.NextProbe(session.Connection) is { } probe)
            {
                try
                {
                    var transaction = StompHeaders.Create((StompHeaderNames.Transaction, NextId("probe")));
                    await WriteAsync(session, new Frame(StompCommand.Begin, transaction), contentLength: false, CancellationToken.None).ConfigureAwait(false);
                    await WriteAsync(session, new Frame(StompCommand.Abort, transaction.Add(StompHeaderNames.Receipt, probe.Wait.Id)), contentLength: false, CancellationToken.None).ConfigureAwait(false);
                    await ReceiptWithin(probe.Wait, "the probe", _options.ReceiptTimeout, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    _pendingReceipts.Forget(probe.Wait.Id);
                }

                _pendingReceipts.Settle(probe);
            }
        }
        catch (StompException e)
        {
            // The connection is ending, and its end fails what is still in doubt; or the broker does not answer, and
            // every frame in doubt times out on its own.
            _pendingReceipts.StopProbing(session.Connection);
            Log.ProbeUnanswered(_log, e.Message);
        }
    }

    /// <summary>
    /// Called once when the connection of <paramref name="session"/> ended; <paramref name="reason"/> is null when
    /// this side closed it. Its receipts fail now; whether to reconnect is the supervisor's call.
    /// </summary>
    internal void OnSessionEnded(Session session, Exception? reason)
    {
        var lost = reason is null
            ? new StompConnectionException("The connection was closed before the RECEIPT.")
            : new StompConnectionException($"The connection was lost before the RECEIPT: {reason.Message}", reason);
        _pendingReceipts.FailAll(session.Connection, lost);
        // Before the session is cleared: a sender that still sees it, but not an idle queue, queues its frame.
        _offline.GoOffline();
        if (reason is null || !ReferenceEquals(Interlocked.CompareExchange(ref _session, null, session), session))
        {
            return;
        }

        if (reason is not (StompErrorException or HeartbeatTimeoutException))
        {
            _errors.OnNext(new StompError(reason is StompProtocolException ? StompErrorKind.Protocol : StompErrorKind.Connection, reason));
        }

        Log.ConnectionLost(_log, session.Connection.Endpoint, reason.Message);
        _state.Set(new ConnectionState(ConnectionStatus.Reconnecting, session.Connection.Endpoint, Error: reason));
    }

    private Frame Intercept(Frame frame)
    {
        try
        {
            return BeforeMessage?.Invoke(frame) ?? frame;
        }
#pragma warning disable CA1031 // A listener's fault must not reach the read loop: the message goes on unchanged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ReportObserverFault(e);
            return frame;
        }
    }

    private IObservable<T> Delivered<T>(IObservable<T> stream, Action<Exception>? onObserverFault = null) =>
        _options.DeliveryScheduler is { } scheduler ? new ScheduledDelivery<T>(stream, scheduler, onObserverFault ?? ReportObserverFault) : stream;

    /// <summary>An observer of <see cref="Errors"/> that throws is only logged: reporting it on Errors could loop.</summary>
    private void ReportErrorsObserverFault(Exception e) => Log.ObserverFault(_log, e);

    private void Deliver(Watcher watcher, Action<IObserver<StompMessage>> call) => Deliver(watcher, call, static (o, c) => c(o));

    /// <summary>Calls the watcher's observer; the state lets the per-message call be a static lambda, which allocates nothing.</summary>
    private void Deliver<TState>(Watcher watcher, TState state, Action<IObserver<StompMessage>, TState> call)
    {
        try
        {
            call(watcher.Observer, state);
        }
#pragma warning disable CA1031 // A watcher's fault must not reach the read loop; it is reported instead.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ReportObserverFault(e);
        }
    }

    private void ReportObserverFault(Exception e)
    {
        Log.ObserverFault(_log, e);
        _errors.OnNext(new StompError(StompErrorKind.Observer, e));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Disconnects (bounded by the options' timeouts), completes every stream and ends every watch.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await DisconnectAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is StompException or ObjectDisposedException)
        {
            Log.DisposeDisconnect(_log, e.Message);
        }

        _offline.FailAll(new ObjectDisposedException(nameof(StompClient)));
        foreach (var watcher in _watchers.RemoveAll())
        {
            Deliver(watcher, o => o.OnCompleted());
        }

        _state.Set(new ConnectionState(ConnectionStatus.Disposed));
        _state.OnCompleted();
        _frames.OnCompleted();
        _messages.OnCompleted();
        _receipts.OnCompleted();
        _heartbeats.OnCompleted();
        _sent.OnCompleted();
        _errors.OnCompleted();
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private sealed class WatchObservable(StompClient client, string destination, SubscribeOptions options) : IObservable<StompMessage>
    {
        public IDisposable Subscribe(IObserver<StompMessage> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            return client.AddWatcher(destination, options, observer);
        }
    }
}

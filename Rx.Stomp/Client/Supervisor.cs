using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// Keeps the client connected: opens a session (walking the endpoint list, retrying with back-off), replaces a lost
/// one using <see cref="StompClientOptions.Reconnect"/>, and gives up when the policy says so. <see cref="Current"/>
/// is the session frames are written to.
/// </summary>
/// <remarks>
/// The first connection uses <see cref="StompClientOptions.ConnectRetry"/>, so that a wrong address fails fast. What
/// follows an open, a loss or the end is the owner's (<see cref="ISessionEvents"/>): resume, go offline, fail everything.
/// </remarks>
internal sealed class Supervisor
{
    private readonly StompClientOptions _options;
    private readonly ILogger _log;
    private readonly StateStream _state;
    private readonly ErrorStream _errors;
    private readonly Func<StompConnection, Session> _newSession;
    private readonly ISessionEvents _events;
    private readonly Lock _gate = new();
    private IDisposable? _opening;
    private TaskCompletionSource? _first;
    private Session? _current;
    private bool _running;

    /// <summary>Counts the starts: a reconnect for a loss seen in one run must not open a connection in the next.</summary>
    private int _run;

    public Supervisor(StompClientOptions options, ILogger log, StateStream state, ErrorStream errors, Func<StompConnection, Session> newSession, ISessionEvents events)
    {
        _options = options;
        _log = log;
        _state = state;
        _errors = errors;
        _newSession = newSession;
        _events = events;
    }

    /// <summary>The open session, if any (it may be ending: its writes then fail with <see cref="ConnectionEndedException"/>).</summary>
    public Session? Current => Volatile.Read(ref _current);

    /// <summary>The session to write to now.</summary>
    /// <exception cref="StompConnectionException">Not connected, or DISCONNECT was sent.</exception>
    public Session Require()
    {
        var session = Current ?? throw new StompConnectionException($"Not connected ({_state.Current}).");
        return session.IsDisconnecting
            ? throw new StompConnectionException("The client is disconnecting: nothing may be sent after DISCONNECT.")
            : session;
    }

    /// <summary>
    /// Whether the client means to be connected: from <see cref="Start"/> until it gives up or is stopped, connected or
    /// not. A send may wait for a connection only then. (Not read from the state, which says Connected for a moment
    /// after the session is gone.)
    /// </summary>
    public bool IsRunning => Volatile.Read(ref _running);

    /// <summary>Starts connecting unless it runs already; the result completes with the first session (or the failure to open one).</summary>
    public Task Start()
    {
        TaskCompletionSource first;
        int run;
        lock (_gate)
        {
            if (_running)
            {
                return _first?.Task ?? Task.CompletedTask;
            }

            _running = true;
            run = ++_run;
            _first = first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        Open(_options.ConnectRetry, run);
        return first.Task;
    }

    /// <summary>Stops connecting and reconnecting; the current session is left for the caller to close.</summary>
    public void Stop()
    {
        IDisposable? opening;
        TaskCompletionSource? first;
        lock (_gate)
        {
            if (!_running)
            {
                return;
            }

            _running = false;
            (opening, _opening) = (_opening, null);
            (first, _first) = (_first, null);
        }

        opening?.Dispose();
        first?.TrySetException(new StompConnectionException("The client was disconnected while connecting."));
    }

    /// <summary>Opens a session with retries, unless stopped or already opening; subscribed outside the lock, as opening sets State, whose observers are user code.</summary>
    private void Open(BackoffPolicy policy, int run)
    {
        var opening = new System.Reactive.Disposables.SingleAssignmentDisposable();
        lock (_gate)
        {
            if (!_running || _opening is not null || _run != run)
            {
                return;
            }

            _opening = opening;
        }

        opening.Disposable = Observable.FromAsync(OpenSessionOrCloseAsync)
            .RetryWithBackoff(policy, _options.Scheduler, IsRetryable, OnRetry)
            .Subscribe(OnOpened, OnGaveUp);
    }

    /// <summary>
    /// Final: a refused CONNECT (retrying a wrong password only locks accounts), a refused TLS handshake (a certificate
    /// does not heal by retrying) and a version the client did not offer. Anything else may heal.
    /// </summary>
    private static bool IsRetryable(Exception error) =>
        error is (StompConnectionException and not StompTlsException) or StompTimeoutException or StompProtocolException;

    private void OnRetry(RetryAttempt retry)
    {
        _errors.Report(retry.Error is StompProtocolException ? StompErrorKind.Protocol : StompErrorKind.Connection, retry.Error);
        _state.Set(new ConnectionState(ConnectionStateKind.Reconnecting, Attempt: retry.Attempt + 1, NextDelay: retry.Delay, Error: retry.Error), () => IsRunning);
    }

    private void OnOpened(Session session)
    {
        TaskCompletionSource? first = null;
        bool running, current = false;
        lock (_gate)
        {
            _opening = null;
            running = _running;
            // Ordered with OnEnded by the lock: a session that ended before this saw no end handled (it was not current).
            if (running && !session.HasEnded)
            {
                _current = session;
                current = true;
                (first, _first) = (_first, null);
                _events.Opened(session);
            }
        }

        if (!running)
        {
            // Stopped while it opened.
            _ = session.DisposeAsync().AsTask();
        }
        else if (!current)
        {
            Reconnect(session, session.EndReason ?? new StompConnectionException($"The connection to {session.Endpoint} ended as it opened."));
        }
        else
        {
            // Set only while it is still current: a session lost at once has set Reconnecting already.
            _state.Set(new ConnectionState(ConnectionStateKind.Connected, session.Endpoint, session.Version, session.ServerSession, session.Server),
                () => ReferenceEquals(Current, session));
            first?.TrySetResult();
            _ = _events.ResumeAsync(session);
        }
    }

    /// <summary>
    /// A session ended (on its reader). If it was the current one, the owner goes offline under the same lock as
    /// <see cref="OnOpened"/>, and a lost session is replaced unless the client stopped.
    /// </summary>
    private void OnEnded(Session session, Exception? reason)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_current, session))
            {
                return;
            }

            _events.GoOffline(session);
            _current = null;
        }

        _events.Lost(session);
        if (reason is not null)
        {
            Reconnect(session, reason);
        }
    }

    private void Reconnect(Session lost, Exception reason)
    {
        // Taken before the report below: its observers are user code, which may restart the client (DisconnectAsync,
        // then ConnectAsync) before this goes on, and that restart's connection must stay the only one.
        var run = Volatile.Read(ref _run);
        if (!IsRunning)
        {
            return;
        }

        if (reason is not (StompErrorException or HeartbeatTimeoutException))
        {
            // An ERROR frame and a heart-beat timeout were reported when they happened.
            _errors.Report(reason is StompProtocolException ? StompErrorKind.Protocol : StompErrorKind.Connection, reason);
        }

        Log.ConnectionLost(_log, lost.Endpoint, reason.Message);
        _state.Set(new ConnectionState(ConnectionStateKind.Reconnecting, lost.Endpoint, Attempt: 1, NextDelay: TimeSpan.Zero, Error: reason), () => IsRunning && Volatile.Read(ref _run) == run);
        Open(_options.Reconnect, run);
    }

    private void OnGaveUp(Exception error)
    {
        TaskCompletionSource? first;
        lock (_gate)
        {
            if (!_running)
            {
                return;
            }

            _running = false;
            _opening = null;
            (first, _first) = (_first, null);
        }

        _state.Set(new ConnectionState(ConnectionStateKind.Faulted, Error: error));
        _events.GaveUp(new StompConnectionException($"The client gave up connecting: {error.Message}", error));
        first?.TrySetException(error);
    }

    private async Task<Session> OpenSessionOrCloseAsync(CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            // Opened just as the client stopped wanting it.
            await session.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return session;
    }

    /// <summary>Tries each endpoint in order (<see cref="EndpointOrder"/>) until one gives a session.</summary>
    private async Task<Session> OpenSessionAsync(CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        foreach (var endpoint in EndpointOrder.Arrange(_options.Endpoints, _options.PreferLocalhost, _options.TryLoopbackConnect))
        {
            // Only while running: an attempt already under way when DisconnectAsync stopped the supervisor must not
            // turn the Disconnected that follows back into Connecting.
            _state.Set(new ConnectionState(ConnectionStateKind.Connecting, endpoint), () => IsRunning);
            try
            {
                return await OpenSessionAsync(endpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRetryable(e) || e is StompTlsException)
            {
                // Unreachable, silent, garbled or with a refused certificate: the next endpoint may do better. A refused
                // login or version is thrown as it is.
                Log.ConnectFailed(_log, endpoint, e.Message);
                failures.Add(e);
            }
        }

        // Whether this is final is the retry's call (State shows Reconnecting or Faulted): final when every endpoint refused TLS.
        if (failures.Count == 1)
        {
            throw failures[0];
        }

        var message = $"Could not connect to any of {failures.Count} endpoints: {string.Join("; ", failures.Select(f => f.Message))}";
        throw failures.All(f => f is StompTlsException)
            ? new StompTlsException(((StompTlsException)failures[0]).Reason, message, new AggregateException(failures))
            : new StompConnectionException(message, new AggregateException(failures));
    }

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

        var session = _newSession(new StompConnection(stream, endpoint, _options.AcceptVersions, _options.Limits, _options.DisconnectTimeout));
        session.Frames.Subscribe(_ => { }, error => OnEnded(session, error), () => OnEnded(session, null));
        try
        {
            await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A TLS endpoint without settings of its own gets the client's.</summary>
    private StompEndpoint WithTls(StompEndpoint endpoint) =>
        endpoint.Kind.UsesTls() && endpoint.Tls is null ? endpoint with { Tls = _options.Tls } : endpoint;
}

/// <summary>What the owner of a <see cref="Supervisor"/> does as sessions open and end.</summary>
internal interface ISessionEvents
{
    /// <summary>A session became current; called under the supervisor's lock, so that it is ordered with <see cref="GoOffline"/>.</summary>
    void Opened(Session session);

    /// <summary>After <see cref="Opened"/>: every live watch is subscribed again, then the frames that waited go out.</summary>
    Task ResumeAsync(Session session);

    /// <summary>The current session ended; called under the supervisor's lock, just before it stops being current.</summary>
    void GoOffline(Session session);

    /// <summary>After <see cref="GoOffline"/>, outside the lock.</summary>
    void Lost(Session session);

    /// <summary>The supervisor gave up: <paramref name="error"/> is final for everything that waited for a connection.</summary>
    void GaveUp(Exception error);
}

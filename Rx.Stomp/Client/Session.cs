using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// One connection of a client, from CONNECT to its end: it negotiates the version on CONNECTED (on the read loop,
/// so the very next frame is read with the right rules) and hands every frame to the client.
/// </summary>
internal sealed class Session : IFrameSink
{
    private readonly StompClient _client;
    private readonly StompClientOptions _options;
    private readonly TaskCompletionSource<Frame> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CompositeDisposable _heartbeats = [];
    private int _disconnecting;

    public Session(StompClient client, StompClientOptions options)
    {
        _client = client;
        _options = options;
    }

    public StompConnection Connection { get; private set; } = null!;

    public StompVersion Version { get; private set; } = StompVersion.V12;

    public TimeSpan SendHeartbeat { get; private set; }

    public TimeSpan ReceiveHeartbeat { get; private set; }

    /// <summary>The CONNECTED frame, or the ERROR or failure that replaced it.</summary>
    public Task<Frame> Connected => _connected.Task;

    /// <summary>Completes when the connection ends: with the reason it was lost, or null when this side closed it.</summary>
    public Task<Exception?> Ended => _ended.Task;

    /// <summary>
    /// The ERROR frame, if it is the last thing the broker sent: the reason it is about to close the connection. Any
    /// later frame or heart-beat clears it, for the connection went on (some brokers send ERROR and keep it open).
    /// </summary>
    public Frame? LastError { get; private set; }

    /// <summary>Whether DISCONNECT was sent: nothing else may follow it.</summary>
    public bool IsDisconnecting => Volatile.Read(ref _disconnecting) != 0;

    public bool MarkDisconnecting() => Interlocked.Exchange(ref _disconnecting, 1) == 0;

    public void Attach(StompConnection connection) => Connection = connection;

    public ValueTask WriteAsync(Frame frame, bool contentLength, CancellationToken cancellationToken) =>
        Connection.WriteAsync(frame, contentLength, cancellationToken);

    void IFrameSink.OnFrame(StompConnection connection, Frame frame)
    {
        switch (frame.Command)
        {
            case StompCommand.Connected when !_connected.Task.IsCompleted:
                OnConnected(connection, frame);
                break;
            case StompCommand.Error:
                LastError = frame;
                _connected.TrySetException(new StompErrorException(frame));
                break;
            default:
                LastError = null;
                break;
        }

        _client.Dispatch(this, frame);
    }

    void IFrameSink.OnClosed(StompConnection connection, Exception? failure)
    {
        // The ERROR explains the end only when the broker closed the connection in order right after it; a reset, a
        // read failure or a heart-beat timeout after an ERROR that left the connection open is a loss of its own.
        // After DISCONNECT the broker closing the socket is the expected end, not a failure.
        var reason = LastError is { } error && connection.ClosedByPeer ? new StompErrorException(error) : IsDisconnecting ? null : failure;
        _connected.TrySetException(reason ?? new StompConnectionException($"The connection to {connection.Endpoint} was closed before CONNECTED."));
        _heartbeats.Dispose();
        _client.OnSessionEnded(this, reason);
        _ended.TrySetResult(reason);
    }

    /// <summary>
    /// Starts the negotiated heart-beats: an EOL whenever nothing was written for most of the send interval, and
    /// the end of the connection when nothing was read for <c>scale × receive interval</c>. Both watch the
    /// connection's counters on a coarse sampling clock, so the data path pays nothing per frame.
    /// </summary>
    public void StartHeartbeats(IScheduler scheduler, Action<HeartbeatTimeoutException> onTimeout)
    {
        var connection = Connection;
        if (SendHeartbeat > TimeSpan.Zero)
        {
            // Sampling every tenth of the interval delays a due beat by at most that: beats still leave by 0.9 × interval.
            _heartbeats.Add(Observable.Interval(SendHeartbeat / 10, scheduler)
                .Select(_ => connection.FramesWritten)
                .DistinctUntilChanged()
                .HeartbeatsDue(SendHeartbeat, scheduler)
                .Subscribe(beat => { _ = connection.WriteHeartbeatAsync(); }));
        }

        if (ReceiveHeartbeat > TimeSpan.Zero)
        {
            _heartbeats.Add(Observable.Interval(ReceiveHeartbeat / 10, scheduler)
                .Select(_ => connection.BytesRead)
                .DistinctUntilChanged()
                .ExpectHeartbeats(ReceiveHeartbeat, scheduler, _options.Heartbeat.ReceiveScale)
                .Subscribe(_ => { }, error =>
                {
                    if (error is HeartbeatTimeoutException timeout)
                    {
                        onTimeout(timeout);
                        connection.Abort(timeout);
                    }
                }));
        }
    }

    private void OnConnected(StompConnection connection, Frame frame)
    {
        try
        {
            Version = Handshake.NegotiateVersion(_options.AcceptVersions, frame);
            (SendHeartbeat, ReceiveHeartbeat) = Handshake.NegotiateHeartbeat(_options.Heartbeat, Version, frame);
            connection.UseVersion(Version, _options.Limits);
            _connected.TrySetResult(frame);
        }
        catch (StompProtocolException e)
        {
            _connected.TrySetException(e);
        }
    }
}

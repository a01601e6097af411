using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// One connection of a client, from CONNECT to its end: its writes, its receipts (and the probe that settles a
/// receipt-less ERROR), its heart-beats. Every frame it reads goes on <see cref="Frames"/>, a hot stream that ends
/// with the connection: <c>OnError</c> with the reason it was lost, <c>OnCompleted</c> when this side closed it.
/// </summary>
internal sealed class Session : IObserver<Frame>, IAsyncDisposable
{
    private readonly StompConnection _connection;
    private readonly StompClientOptions _options;
    private readonly OutgoingFrames _outgoing;
    private readonly ErrorStream _errors;
    private readonly IdGenerator _ids;
    private readonly ILogger _log;
    private readonly ReceiptTracker _receipts;
    private readonly Broadcast<Frame> _frames;
    private readonly TaskCompletionSource<Frame> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SerialDisposable _heartbeats = new();
    private volatile Frame? _lastError;
    private TimeSpan _sendHeartbeat;
    private TimeSpan _receiveHeartbeat;
    private int _disconnecting;
    private int _over;

    public Session(StompConnection connection, StompClientOptions options, OutgoingFrames outgoing, ErrorStream errors, IdGenerator ids, ILogger log)
    {
        _connection = connection;
        _options = options;
        _outgoing = outgoing;
        _errors = errors;
        _ids = ids;
        _log = log;
        _receipts = new ReceiptTracker(ids);
        _frames = new Broadcast<Frame>(errors.ReportObserverFault);
    }

    public StompEndpoint Endpoint => _connection.Endpoint;

    /// <summary>The negotiated version (1.2 until CONNECTED).</summary>
    public StompVersion Version => _connection.Version ?? StompVersion.V12;

    /// <summary>The broker's id for this session (the CONNECTED frame's <c>session</c> header).</summary>
    public string? ServerSession => Answer?.Headers[StompHeaderNames.Session];

    /// <summary>The broker's name and version (the CONNECTED frame's <c>server</c> header).</summary>
    public string? Server => Answer?.Headers[StompHeaderNames.Server];

    private Frame? Answer => _connected.Task.IsCompletedSuccessfully ? _connected.Task.Result : null;

    /// <summary>Every frame read, heart-beats included, in wire order; ends with the connection.</summary>
    public IObservable<Frame> Frames => _frames;

    /// <summary>Completes when the connection ends: with the reason it was lost, or null when this side closed it.</summary>
    public Task<Exception?> Ended => _ended.Task;

    /// <summary>Whether frames may still be written: the connection has not ended and DISCONNECT was not sent.</summary>
    public bool IsOpen => !HasEnded && !IsDisconnecting;

    /// <summary>Whether the connection has ended (or is ending: its end is being taken in).</summary>
    public bool HasEnded => Volatile.Read(ref _over) != 0;

    /// <summary>Why the connection ended: null while it has not, or when this side closed it.</summary>
    public Exception? EndReason { get; private set; }

    /// <summary>Whether DISCONNECT was sent: nothing else may follow it.</summary>
    public bool IsDisconnecting => Volatile.Read(ref _disconnecting) != 0;

    /// <summary>Starts reading, writes CONNECT and waits for CONNECTED; then the negotiated heart-beats start.</summary>
    /// <returns>The CONNECTED frame.</returns>
    public async Task<Frame> OpenAsync(CancellationToken cancellationToken)
    {
        // The deadline runs on the options' scheduler from before CONNECT leaves, so it bounds the round trip.
        var connected = _connected.Task.WithTimeout(_options.ConnectTimeout, _options.Scheduler,
            () => new StompTimeoutException($"No CONNECTED from {Endpoint} within {_options.ConnectTimeout.TotalSeconds:0.###} s."),
            cancellationToken);
        _connection.Start(this);
        try
        {
            await WriteAsync(Handshake.BuildConnectFrame(_options), contentLength: false, cancellationToken).ConfigureAwait(false);
        }
        catch (StompConnectionException)
        {
            // The connection ended before CONNECT could leave (a TLS 1.3 server refusing the client certificate does so
            // right after the handshake): the reason it ended, which fails the wait below, is the one to report.
        }

        var frame = await connected.ConfigureAwait(false);
        // Assigned after an end that disposed the holder, they stop at once.
        _heartbeats.Disposable = ConnectionHeartbeats.Start(_connection, _sendHeartbeat, _receiveHeartbeat, _options, _errors);
        Log.Connected(_log, Endpoint, Version.ToWire());
        return frame;
    }

    /// <summary>Hands <paramref name="frame"/> to the connection, after the log and <see cref="StompClient.Sent"/>.</summary>
    /// <exception cref="StompProtocolException">The frame cannot be carried by the negotiated version; nothing was written.</exception>
    /// <exception cref="StompConnectionException">The connection ended, or DISCONNECT was sent.</exception>
    public ValueTask WriteAsync(Frame frame, bool contentLength, CancellationToken cancellationToken) =>
        _connection.WriteAsync(_outgoing.Prepare(frame), contentLength, cancellationToken);

    /// <summary>
    /// Registers a RECEIPT for a frame about to be written with <see cref="WriteAsync(Frame, PendingReceipt, bool, CancellationToken)"/>;
    /// its deadline starts now, so that it bounds the whole round trip.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="StompClientOptions.MaxPendingReceipts"/> receipts are awaited already, or <paramref name="id"/> is.</exception>
    public PendingReceipt ExpectReceipt(StompCommand command, TimeSpan timeout, CancellationToken cancellationToken, string? id = null)
    {
        // DISCONNECT is never refused for the limit: leaving must always be possible.
        var wait = _receipts.Register(command == StompCommand.Disconnect ? int.MaxValue : _options.MaxPendingReceipts, id);
        var answer = Within(wait, command.ToWire(), timeout, cancellationToken);
        _ = answer.ContinueWith(_ => _receipts.Forget(wait.Id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new PendingReceipt(wait, answer);
    }

    /// <summary>Writes <paramref name="frame"/> asking for <paramref name="receipt"/>; if it cannot be written, the receipt fails too.</summary>
    public async ValueTask WriteAsync(Frame frame, PendingReceipt receipt, bool contentLength, CancellationToken cancellationToken)
    {
        try
        {
            // Read before the write: an ERROR then already came, and if it is the broker's last word, this frame was never taken.
            var afterError = _lastError is not null;
            await WriteAsync(new Frame(frame.Command, frame.Headers.Set(StompHeaderNames.Receipt, receipt.Id), frame.Body), contentLength, cancellationToken).ConfigureAwait(false);
            receipt.Wait.MarkWritten(afterError);
        }
        catch (Exception e)
        {
            _receipts.Fail(receipt.Id, e);
            await receipt.Answer.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes <paramref name="frame"/> and waits for its RECEIPT, at most <paramref name="timeout"/>.</summary>
    public async Task<Frame> ConfirmAsync(Frame frame, bool contentLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var receipt = ExpectReceipt(frame.Command, timeout, cancellationToken);
        await WriteAsync(frame, receipt, contentLength, cancellationToken).ConfigureAwait(false);
        return await receipt.Answer.ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a frame that belongs to this connection (an ACK, a NACK, a transaction's): here or nowhere, for another
    /// connection would not know what it names.
    /// </summary>
    /// <exception cref="StompConnectionException">The connection is gone (<paramref name="gone"/> says what that means for the frame).</exception>
    public async Task SendBoundAsync(Frame frame, bool receipt, bool contentLength, Func<string> gone, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            throw new StompConnectionException(gone());
        }

        if (receipt)
        {
            await ConfirmAsync(frame, contentLength, _options.ReceiptTimeout, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(frame, contentLength, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends DISCONNECT and waits for its RECEIPT, then closes. One deadline bounds the write and the RECEIPT together:
    /// the write may wait behind a send to a peer that stopped reading. Called <paramref name="fromReader"/> (from
    /// inside a delivery), it waits neither for the RECEIPT nor for the reader to stop, which that reader would bring.
    /// Cancelled, it stops waiting for the RECEIPT and closes all the same.
    /// </summary>
    public async Task DisconnectAsync(bool fromReader, DisconnectOptions options, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _disconnecting, 1) != 0)
        {
            return;
        }

        var timeout = _options.DisconnectTimeout;
        try
        {
            var receipt = ExpectReceipt(StompCommand.Disconnect, timeout, cancellationToken, options.ReceiptId);
            var written = WriteAsync(new Frame(StompCommand.Disconnect, options.Headers), receipt, contentLength: false, cancellationToken).AsTask();
            // Whichever of the two is not awaited fails later with nobody to hear it.
            Observe(written);
            Observe(receipt.Answer);
            await (fromReader ? Task.WhenAny(written, receipt.Answer).Unwrap() : receipt.Answer).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StompException or InvalidOperationException or OperationCanceledException)
        {
            Log.DisconnectUnconfirmed(_log, e.Message);
        }

        await _connection.CloseAsync(waitForReader: !fromReader).ConfigureAwait(false);
    }

    private static void Observe(Task task) =>
        task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Whether the caller runs on this connection's reader, inside an observer.</summary>
    public bool IsReaderThread => _connection.IsDeliveringOnThisThread;

    /// <summary>Closes the connection at once.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    void IObserver<Frame>.OnNext(Frame frame)
    {
        switch (frame.Command)
        {
            case StompCommand.Connected when !_connected.Task.IsCompleted:
                // Observers (the listeners' on_connected) hear CONNECTED before ConnectAsync returns to its caller.
                _frames.OnNext(frame);
                OnConnected(frame);
                return;
            case StompCommand.Receipt:
                _lastError = null;
                _receipts.Complete(frame.Headers[StompHeaderNames.ReceiptId] ?? "", frame);
                break;
            case StompCommand.Error:
                _lastError = frame;
                OnErrorFrame(frame);
                break;
            default:
                // Any later frame or heart-beat shows that the connection went on after an ERROR.
                _lastError = null;
                break;
        }

        _frames.OnNext(frame);
    }

    void IObserver<Frame>.OnError(Exception error) => End(error);

    void IObserver<Frame>.OnCompleted() => End(null);

    private void OnConnected(Frame frame)
    {
        try
        {
            (_sendHeartbeat, _receiveHeartbeat) = Handshake.NegotiateHeartbeat(_options.Heartbeat, Version, frame);
            _connected.TrySetResult(frame);
        }
        catch (StompProtocolException e)
        {
            _connected.TrySetException(e);
        }
    }

    private void OnErrorFrame(Frame frame)
    {
        var error = new StompErrorException(frame);
        _connected.TrySetException(error);
        if (frame.Headers[StompHeaderNames.ReceiptId] is { } failedReceipt)
        {
            _receipts.Fail(failedReceipt, error);
        }
        else if (_receipts.Doubt(error))
        {
            // An ERROR that names no receipt may have refused any unanswered frame, or none (RabbitMQ's for a delivery
            // that raced an UNSUBSCRIBE): a probe tells which, without failing the innocent.
            _ = ProbeAsync();
        }
    }

    /// <summary>
    /// Settles the frames a receipt-less ERROR left in doubt (see <see cref="ReceiptTracker"/>). The probe is an empty
    /// transaction begun and aborted with a receipt: a no-op that every broker answers, in order.
    /// </summary>
    private async Task ProbeAsync()
    {
        try
        {
            while (_receipts.NextProbe() is { } probe)
            {
                try
                {
                    var transaction = StompHeaders.Create((StompHeaderNames.Transaction, _ids.Next("probe")));
                    await WriteAsync(new Frame(StompCommand.Begin, transaction), contentLength: false, CancellationToken.None).ConfigureAwait(false);
                    await WriteAsync(new Frame(StompCommand.Abort, transaction.Add(StompHeaderNames.Receipt, probe.Wait.Id)), contentLength: false, CancellationToken.None).ConfigureAwait(false);
                    await Within(probe.Wait, "the probe", _options.ReceiptTimeout, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    _receipts.Forget(probe.Wait.Id);
                }

                _receipts.Settle(probe);
            }
        }
        catch (StompException e)
        {
            // The connection is ending, and its end fails what is still in doubt; or the broker does not answer, and
            // every frame in doubt times out on its own.
            _receipts.StopProbing();
            Log.ProbeUnanswered(_log, e.Message);
        }
    }

    /// <summary>The RECEIPT <paramref name="wait"/> is for, or a <see cref="StompTimeoutException"/> after <paramref name="timeout"/>.</summary>
    private Task<Frame> Within(ReceiptTracker.ReceiptWait wait, string what, TimeSpan timeout, CancellationToken cancellationToken) =>
        wait.Answer.WithTimeout(timeout, _options.Scheduler,
            () => new StompTimeoutException($"No RECEIPT for {what} ({wait.Id}) within {timeout.TotalSeconds:0.###} s."),
            cancellationToken);

    /// <summary>The connection ended: every wait fails, heart-beats stop, and <see cref="Frames"/> ends with the reason.</summary>
    private void End(Exception? failure)
    {
        // The ERROR explains the end only when the broker closed the connection in order right after it; a reset, a
        // read failure or a heart-beat timeout after an ERROR that left the connection open is a loss of its own.
        // After DISCONNECT the broker closing the socket is the expected end, not a failure.
        var reason = _lastError is { } error && _connection.ClosedByPeer ? new StompErrorException(error) : IsDisconnecting ? null : failure;
        EndReason = reason;
        Volatile.Write(ref _over, 1);
        _connected.TrySetException(reason ?? new StompConnectionException($"The connection to {Endpoint} was closed before CONNECTED."));
        _heartbeats.Dispose();
        _receipts.FailAll(
            reason is null
                ? new StompConnectionException("The connection was closed before the RECEIPT.")
                : new StompConnectionException($"The connection was lost before the RECEIPT: {reason.Message}", reason),
            reason is StompErrorException ? new ConnectionEndedException($"The broker closed the connection to {Endpoint} after its ERROR, before taking the frame.") : null);
        if (reason is null)
        {
            _frames.OnCompleted();
        }
        else
        {
            _frames.OnError(reason);
        }

        _ended.TrySetResult(reason);
    }
}

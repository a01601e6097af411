using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Threading.Channels;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Broker;

/// <summary>What a <see cref="BrokerConnection"/> reads, and how it ends.</summary>
internal interface IConnectionHandler
{
    /// <summary>One frame, on the read loop, in wire order; <see langword="false"/> once the connection is closing (the rest of the input is discarded).</summary>
    bool OnFrame(Frame frame);

    /// <summary>The input is not valid STOMP; the rest of it is discarded.</summary>
    void OnProtocolError(StompProtocolException error);

    /// <summary>A frame could not be written for the negotiated version (on the write loop); it was skipped.</summary>
    void OnUnwritable(Frame frame, StompProtocolException error);

    /// <summary>The connection ended, once; <paramref name="reason"/> is null when the broker closed it on purpose.</summary>
    void OnClosed(Exception? reason);
}

/// <summary>
/// The broker's side of one TCP connection: a read loop that turns bytes into frames for its handler, and one
/// write loop that drains an unbounded outbox in order, batching whatever is queued into one socket write (split
/// and delayed as <see cref="BrokerFaults"/> says). Enqueuing never blocks, so routing never waits for a socket.
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    private const int BatchBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BrokerFaults _faults;
    private readonly TimeSpan _closeTimeout;
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _cancel = new();
    private readonly CompositeDisposable _timers = [];
    private IConnectionHandler _handler = null!;
    private volatile FrameReader _reader;
    private volatile FrameWriter _writer;
    private Task _readLoop = Task.CompletedTask;
    private long _bytesRead;
    private long _framesWritten;
    private int _ended;

    public BrokerConnection(Socket socket, BrokerFaults faults, FrameLimits limits, TimeSpan closeTimeout)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _faults = faults;
        _closeTimeout = closeTimeout;
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";

        // Until CONNECT says otherwise: CR LF line ends are accepted (CONNECT is never escaped, so nothing else
        // differs), and an early ERROR is written without escapes, which every version can read.
        _reader = new FrameReader(StompVersion.V12, limits);
        _writer = new FrameWriter(StompVersion.V10);
    }

    /// <summary>The client's address, for logs.</summary>
    public string Remote { get; }

    /// <summary>Completes when both loops have ended.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Whether the connection has ended (or is ending): frames queued now are never written.</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    public void Start(IConnectionHandler handler)
    {
        _handler = handler;
        _readLoop = Task.Run(ReadLoopAsync);
        var writeLoop = Task.Run(WriteLoopAsync);
        Completion = Task.WhenAll(_readLoop, writeLoop).ContinueWith(_ => _cancel.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Ends the connection at once (as <see cref="Abort"/> without a reset); <see cref="Completion"/> says when its loops are done.</summary>
    public void Dispose() => End(null);

    /// <summary>Switches the codec to the negotiated version; called on the read loop, so the next frame is read by its rules.</summary>
    public void UseVersion(StompVersion version, FrameLimits limits)
    {
        _reader = new FrameReader(version, limits);
        _writer = new FrameWriter(version);
    }

    /// <summary>Queues a frame for writing; never blocks. False once the connection is closing.</summary>
    public bool Enqueue(Frame frame, bool contentLength = true) => _outbox.Writer.TryWrite(new Outgoing(frame, contentLength));

    /// <summary>Writes what is queued, then closes: the send side first, then, once the client closed or after the close timeout, the socket.</summary>
    public void CloseAfterWrites() => _outbox.Writer.TryComplete();

    /// <summary>Ends the connection now; with <paramref name="reset"/> the client sees a TCP reset rather than an orderly close.</summary>
    public void Abort(Exception? reason, bool reset)
    {
        if (reset && !IsEnded)
        {
            // An abortive close: a zero linger and no shutdown first (a plain Dispose on Unix shuts the socket down
            // to wake its pending reads, which sends FIN, an orderly end).
            _socket.Close(0);
        }

        End(reason);
    }

    /// <summary>
    /// Starts the negotiated heart-beats: an EOL whenever nothing was written for most of <paramref name="send"/>
    /// (unless <see cref="BrokerFaults.HeartbeatsPaused"/>), and <paramref name="onSilence"/> when nothing was read for
    /// <paramref name="scale"/> × <paramref name="receive"/>. Both sample the connection's counters on a coarse clock.
    /// </summary>
    public void StartHeartbeats(TimeSpan send, TimeSpan receive, double scale, IScheduler scheduler, Action<HeartbeatTimeoutException> onSilence)
    {
        if (send > TimeSpan.Zero)
        {
            _timers.Add(Observable.Interval(send / 10, scheduler)
                .Select(_ => Interlocked.Read(ref _framesWritten))
                .DistinctUntilChanged()
                .HeartbeatsDue(send, scheduler)
                .Subscribe(_ =>
                {
                    if (!_faults.HeartbeatsPaused)
                    {
                        Enqueue(Frame.Heartbeat, contentLength: false);
                    }
                }));
        }

        if (receive > TimeSpan.Zero)
        {
            _timers.Add(Observable.Interval(receive / 10, scheduler)
                .Select(_ => Interlocked.Read(ref _bytesRead))
                .DistinctUntilChanged()
                .ExpectHeartbeats(receive, scheduler, scale)
                .Subscribe(_ => { }, error =>
                {
                    if (error is HeartbeatTimeoutException timeout)
                    {
                        onSilence(timeout);
                    }
                }));
        }
    }

    private async Task ReadLoopAsync()
    {
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Exception? failure = null;
        var discarding = false;
        long unconsumed = 0;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_cancel.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                Interlocked.Add(ref _bytesRead, buffer.Length - unconsumed);
                if (!discarding)
                {
                    try
                    {
                        while (_reader.TryRead(ref buffer, out var frame))
                        {
                            if (!_handler.OnFrame(frame))
                            {
                                discarding = true;
                                break;
                            }
                        }
                    }
                    catch (StompProtocolException e)
                    {
                        discarding = true;
                        _handler.OnProtocolError(e);
                    }
                }

                if (discarding)
                {
                    // The broker is closing this connection: what the client still sends is read (so that closing
                    // the socket does not reset it and lose the ERROR or RECEIPT on the way) and thrown away.
                    buffer = buffer.Slice(buffer.End);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                unconsumed = buffer.Length;
                if (result.IsCompleted)
                {
                    failure = buffer.IsEmpty
                        ? new StompConnectionException($"The client at {Remote} closed the connection.")
                        : new StompConnectionException($"The client at {Remote} closed the connection in the middle of a frame ({buffer.Length} bytes unread).");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            failure = new StompConnectionException($"Reading from {Remote} failed: {e.Message}", e);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }

        if (!discarding)
        {
            End(failure);
        }
    }

    private async Task WriteLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var outbox = _outbox.Reader;
        try
        {
            while (await outbox.WaitToReadAsync(_cancel.Token).ConfigureAwait(false))
            {
                while (buffer.WrittenCount < BatchBytes && outbox.TryRead(out var item))
                {
                    Serialize(buffer, item);
                }

                await FlushAsync(buffer).ConfigureAwait(false);
            }

            // The outbox was completed: everything queued is written; close in order.
            await FlushAsync(buffer).ConfigureAwait(false);
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            await Task.WhenAny(_readLoop, Task.Delay(_closeTimeout, _cancel.Token)).ConfigureAwait(false);
            End(null);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            End(new StompConnectionException($"Writing to {Remote} failed: {e.Message}", e));
        }
    }

    private void Serialize(ArrayBufferWriter<byte> buffer, Outgoing item)
    {
        try
        {
            _writer.Write(buffer, item.Frame, item.ContentLength);
            Interlocked.Increment(ref _framesWritten);
        }
        catch (StompProtocolException e)
        {
            // The writer checks every header before it writes a byte: nothing of the frame is in the buffer.
            _handler.OnUnwritable(item.Frame, e);
        }
    }

    private async Task FlushAsync(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.WrittenCount == 0)
        {
            return;
        }

        var data = buffer.WrittenMemory;
        var chunk = _faults.ChunkSize;
        var delay = _faults.WriteDelay;
        if (chunk <= 0 && delay == TimeSpan.Zero)
        {
            await _stream.WriteAsync(data, _cancel.Token).ConfigureAwait(false);
        }
        else
        {
            if (chunk <= 0)
            {
                chunk = data.Length;
            }

            for (var offset = 0; offset < data.Length; offset += chunk)
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _cancel.Token).ConfigureAwait(false);
                }

                await _stream.WriteAsync(data.Slice(offset, Math.Min(chunk, data.Length - offset)), _cancel.Token).ConfigureAwait(false);
            }
        }

        buffer.ResetWrittenCount();
    }

    /// <summary>Ends the connection once: stops both loops, closes the socket and tells the handler.</summary>
    private void End(Exception? reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        // Cancel before closing the stream: once the stream is gone the loops may finish, and with them the token source.
        _cancel.Cancel();
        _timers.Dispose();
        _outbox.Writer.TryComplete();
        _stream.Dispose();
        _handler.OnClosed(reason);
    }

    private readonly record struct Outgoing(Frame Frame, bool ContentLength);
}

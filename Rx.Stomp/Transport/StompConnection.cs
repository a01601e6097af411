using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Transport;

/// <summary>
/// One open connection: frames read from the stream go to one observer, in wire order, one call at a time, and its
/// end comes last (<c>OnError</c> with the reason it was lost, <c>OnCompleted</c> when this side closed it); frames
/// written go out in call order through one <see cref="WriteLoop"/>. It reads with the rules of the version its
/// CONNECTED frame names from the next frame on.
/// </summary>
/// <remarks>
/// A socket (plain or TLS) is read by a thread of its own doing blocking reads straight into the frame reader: at
/// broker rates a read holds one or two frames, and a thread-pool hop per read would cost more than the parsing. Its
/// writes are blocking calls too: a socket that has seen an asynchronous call has its blocking calls emulated by
/// .NET's event loop through the thread pool. Any other stream (WebSocket, a test's pipe) is read by an async loop.
/// </remarks>
internal sealed class StompConnection : IAsyncDisposable
{
    [ThreadStatic]
    private static StompConnection? t_delivering;
    private readonly Stream _stream;
    private readonly IReadOnlyCollection<StompVersion> _offered;
    private readonly FrameLimits _limits;
    private readonly TimeSpan _closeTimeout;
    private readonly bool _blocking;
    private readonly CancellationTokenSource _closing = new();
    private readonly WriteLoop _writes;
    private readonly TaskCompletionSource _readingEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FrameReader _reader;
    private IObserver<Frame>? _observer;
    private Exception? _endReason;
    private long _bytesRead;
    private int _delivering;
    private int _ended;
    private bool _closedByUs;

    /// <param name="stream">The open stream; the connection owns it.</param>
    /// <param name="endpoint">Where it leads.</param>
    /// <param name="offered">The versions CONNECT offered: CONNECTED must name one of them.</param>
    /// <param name="limits">What a frame may hold.</param>
    /// <param name="closeTimeout">How long closing waits for the writer to drain and for the reader to stop (a reader inside a blocked observer does not stop).</param>
    public StompConnection(Stream stream, StompEndpoint endpoint, IReadOnlyCollection<StompVersion> offered, FrameLimits limits, TimeSpan closeTimeout)
    {
        _stream = stream;
        Endpoint = endpoint;
        _offered = offered;
        _limits = limits;
        _closeTimeout = closeTimeout;
        _reader = new FrameReader(StompVersion.V12, limits);
        var socket = stream switch
        {
            NetworkStream network => network.Socket,
            TlsStream tls => tls.Socket,
            _ => null,
        };
        _blocking = socket is not null;
        _writes = new WriteLoop(stream, endpoint, socket, _closing.Token);
    }

    public StompEndpoint Endpoint { get; }

    /// <summary>The version CONNECTED named; null before it came.</summary>
    public StompVersion? Version { get; private set; }

    /// <summary>How many frames and heart-beats were handed to the writer so far; heart-beat sending watches it.</summary>
    public long FramesWritten => _writes.FramesWritten;

    /// <summary>How many bytes were read so far: any byte is a sign of life.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>
    /// Whether the reader is inside the observer: reading waits for it, so silence then is the client's, not the broker's.
    /// </summary>
    public bool IsDelivering => Volatile.Read(ref _delivering) != 0;

    /// <summary>Whether the calling thread is this connection's reader, inside the observer.</summary>
    public bool IsDeliveringOnThisThread => t_delivering == this;

    /// <summary>Whether the connection ended because the peer closed it in order (end of stream between frames).</summary>
    public bool ClosedByPeer { get; private set; }

    /// <summary>Starts reading into <paramref name="observer"/>; call once.</summary>
    public void Start(IObserver<Frame> observer)
    {
        _observer = observer;
        if (_blocking)
        {
            new Thread(ReadBlocking) { IsBackground = true, Name = $"Rx.Stomp reader {Endpoint}" }.Start();
        }
        else
        {
            _ = Task.Run(ReadAsync);
        }

        _ = EndWhenWritesFailAsync();
    }

    /// <inheritdoc cref="WriteLoop.WriteAsync"/>
    public ValueTask WriteAsync(Frame frame, bool contentLength, CancellationToken cancellationToken) =>
        _writes.WriteAsync(frame, contentLength, cancellationToken);

    /// <summary>Writes a heart-beat EOL unless the connection has ended; a failure here is the connection's end, reported there.</summary>
    public async Task WriteHeartbeatAsync()
    {
        try
        {
            await _writes.WriteAsync(Frame.Heartbeat, contentLength: false, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StompConnectionException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private void ReadBlocking()
    {
        using var buffer = new ReceiveBuffer();
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = _stream.Read(buffer.FreeSpace().Span);
                if (read == 0)
                {
                    failure = ClosedByBroker(buffer.Unread.Length);
                    break;
                }

                buffer.Advance(read);
                Interlocked.Add(ref _bytesRead, read);
                var unread = buffer.Unread;
                try
                {
                    Deliver(ref unread);
                }
                finally
                {
                    buffer.Consumed(unread.Length);
                }
            }
        }
#pragma warning disable CA1031 // Whatever stops the reader ends the connection with it, never the process.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = ReadFailure(e);
        }

        EndReading(failure);
    }

    private async Task ReadAsync()
    {
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Exception? failure = null;
        // Bytes of a frame still arriving, examined by the last read and given again by the next one.
        var examined = 0L;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                // Counted as they arrive, before delivery and whole frame or not, as the socket reader counts them.
                Interlocked.Add(ref _bytesRead, buffer.Length - examined);
                try
                {
                    Deliver(ref buffer);
                }
                finally
                {
                    examined = buffer.Length;
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    failure = ClosedByBroker(buffer.Length);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // See ReadBlocking.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = ReadFailure(e);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }

        EndReading(failure);
    }

    /// <summary>Hands every whole frame of <paramref name="buffer"/> to the observer, leaving the rest in it.</summary>
    private void Deliver(ref ReadOnlySequence<byte> buffer)
    {
        t_delivering = this;
        Volatile.Write(ref _delivering, 1);
        try
        {
            while (_reader.TryRead(ref buffer, out var frame))
            {
                if (Version is null && frame.Command == StompCommand.Connected)
                {
                    UseVersion(Handshake.NegotiateVersion(_offered, frame));
                }

                _observer!.OnNext(frame);
            }
        }
        finally
        {
            Volatile.Write(ref _delivering, 0);
            t_delivering = null;
        }
    }

    /// <summary>The very next frame is read, and every later one written, with the rules of <paramref name="version"/>.</summary>
    private void UseVersion(StompVersion version)
    {
        Version = version;
        _reader = new FrameReader(version, _limits);
        _writes.UseVersion(version);
    }

    private StompConnectionException ClosedByBroker(long unread)
    {
        // A socket closed by this side also reads as an end of stream.
        ClosedByPeer = unread == 0 && !_closing.IsCancellationRequested;
        return unread == 0
            ? new StompConnectionException($"The broker at {Endpoint} closed the connection.")
            : new StompConnectionException($"The broker at {Endpoint} closed the connection in the middle of a frame ({unread} bytes unread).");
    }

    /// <summary>
    /// A garbled frame, a refused version or a transport's typed failure is the reason itself; an I/O failure is one
    /// unless this side ended the connection.
    /// </summary>
    private Exception? ReadFailure(Exception e) => e switch
    {
        StompException => e,
        _ when _closing.IsCancellationRequested => null,
        _ => new StompConnectionException($"Reading from {Endpoint} failed: {e.Message}", e),
    };

    private async Task EndWhenWritesFailAsync()
    {
        if (await _writes.Completion.ConfigureAwait(false) is { } failure)
        {
            End(failure);
        }
    }

    /// <summary>
    /// The reader stopped: the connection ends (if nothing ended it before) and the observer hears of it, from the
    /// reader, after its last frame, so that its calls never overlap.
    /// </summary>
    private void EndReading(Exception? failure)
    {
        End(failure);
        var reason = Volatile.Read(ref _closedByUs) ? null : Volatile.Read(ref _endReason);
        try
        {
            if (reason is null)
            {
                _observer!.OnCompleted();
            }
            else
            {
                _observer!.OnError(reason);
            }
        }
        finally
        {
            _readingEnded.TrySetResult();
        }
    }

    /// <summary>
    /// Waits until everything written so far has reached the socket (at most about twice the close timeout), then
    /// closes it, and waits for the reader to stop unless told not to (the caller is the reader).
    /// </summary>
    public async ValueTask CloseAsync(bool waitForReader)
    {
        Volatile.Write(ref _closedByUs, true);
        await _writes.CompleteAsync(_closeTimeout).ConfigureAwait(false);
        End(null);
        if (waitForReader)
        {
            await StoppedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends the connection with <paramref name="reason"/>, e.g. a heart-beat timeout; the observer hears it once the reader stops.</summary>
    public void Abort(Exception reason) => End(reason);

    /// <summary>Ends the connection once: later writes are refused, and closing the stream stops the reader.</summary>
    private void End(Exception? failure)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _endReason, failure);
        _closing.Cancel();
        _writes.Stop();
        _stream.Dispose();
    }

    /// <summary>Closes at once and waits for the reader to stop, unless the caller is the reader.</summary>
    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _closedByUs, true);
        End(null);
        if (!IsDeliveringOnThisThread)
        {
            await StoppedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the reader and the writer to stop, at most the close timeout: a reader held by a blocked observer stops once it returns.</summary>
    private async Task StoppedAsync()
    {
        try
        {
            await Task.WhenAll(_observer is null ? Task.CompletedTask : _readingEnded.Task, _writes.Completion).WaitAsync(_closeTimeout).ConfigureAwait(false);
            _closing.Dispose();
        }
        catch (TimeoutException)
        {
        }
    }
}

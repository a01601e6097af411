using System.Buffers;
using System.IO.Pipelines;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Transport;

/// <summary>
/// One open connection: a read loop that turns the stream's bytes into frames, and one ordered writer. Frames go
/// to a single sink, one call at a time, in wire order; the sink learns the end once, with the reason.
/// </summary>
internal sealed class StompConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly IFrameSink _sink;
    // Segments of 64 KiB: the send loop makes one write per segment, so small ones would cost a system call per 4 KiB.
    private readonly Pipe _outbound = new(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private readonly Task _sendLoop;
    private FrameReader _reader;
    private FrameWriter _writer;
    private long _framesWritten;
    private long _bytesRead;
    [ThreadStatic]
    private static StompConnection? t_readLoop;
    private int _ended;
    private bool _closedByUs;
    private bool _disconnectWritten;

    public StompConnection(Stream stream, StompEndpoint endpoint, FrameReader reader, FrameWriter writer, IFrameSink sink)
    {
        _stream = stream;
        Endpoint = endpoint;
        _reader = reader;
        _writer = writer;
        _sink = sink;
        _readLoop = Task.Run(ReadLoopAsync);
        _sendLoop = Task.Run(SendLoopAsync);
    }

    public StompEndpoint Endpoint { get; }

    /// <summary>How many frames and heart-beats were handed to the writer so far; heart-beat sending watches it.</summary>
    public long FramesWritten => Interlocked.Read(ref _framesWritten);

    /// <summary>Whether the connection ended because the peer closed it in order (end of stream between frames).</summary>
    public bool ClosedByPeer { get; private set; }

    /// <summary>How many bytes were read so far: any byte is a sign of life.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Switches the codec to the negotiated version (after CONNECTED).</summary>
    public void UseVersion(StompVersion version, FrameLimits limits)
    {
        _reader = new FrameReader(version, limits);
        _writer = new FrameWriter(version);
    }

    /// <summary>Serializes <paramref name="frame"/> into the outbound buffer, in call order.</summary>
    /// <exception cref="StompProtocolException">The frame cannot be carried by the version in use; nothing was written.</exception>
    /// <exception cref="StompConnectionException">The connection is closed.</exception>
    public ValueTask WriteAsync(Frame frame, bool contentLength, CancellationToken cancellationToken)
    {
        // The usual case takes the lock and flushes without waiting: no state machine, no allocation.
        return _writeLock.Wait(0, CancellationToken.None)
            ? WriteLocked(frame, contentLength)
            : WriteContendedAsync(frame, contentLength, cancellationToken);
    }

    private async ValueTask WriteContendedAsync(Frame frame, bool contentLength, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WriteLocked(frame, contentLength).ConfigureAwait(false);
    }

    /// <summary>Writes and flushes while holding the write lock, and releases it once the flush is done.</summary>
    private ValueTask WriteLocked(Frame frame, bool contentLength)
    {
        var handedOver = false;
        try
        {
            if (Volatile.Read(ref _ended) != 0)
            {
                // A faulted task, not a throw: callers tell this "nothing was written" apart by awaiting.
                return ValueTask.FromException(new ConnectionEndedException(Endpoint));
            }

            // Checked under the write lock: a caller that found the client connected may reach it after DISCONNECT,
            // and a frame written then would be dropped by the broker while its caller was told it went out.
            if (_disconnectWritten)
            {
                throw new StompConnectionException($"DISCONNECT was sent to {Endpoint}: nothing may follow it.");
            }

            _writer.Write(_outbound.Writer, frame, contentLength);
            _disconnectWritten = frame.Command == StompCommand.Disconnect;
            Interlocked.Increment(ref _framesWritten);
            var flush = _outbound.Writer.FlushAsync(CancellationToken.None);
            if (!flush.IsCompletedSuccessfully)
            {
                handedOver = true;
                return AwaitFlushAsync(flush);
            }

            CheckFlushed(flush.Result);
            return ValueTask.CompletedTask;
        }
        finally
        {
            if (!handedOver)
            {
                _writeLock.Release();
            }
        }
    }

    /// <summary>Waits for a flush that the pipe held back (the send loop is behind), then releases the lock.</summary>
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            CheckFlushed(await flush.ConfigureAwait(false));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void CheckFlushed(FlushResult flush)
    {
        if (flush.IsCompleted && Volatile.Read(ref _ended) != 0)
        {
            throw new StompConnectionException($"The connection to {Endpoint} ended while the frame was being written.");
        }
    }

    /// <summary>Writes a heart-beat EOL unless the connection has ended; a failure here is the connection's end, reported there.</summary>
    public async Task WriteHeartbeatAsync()
    {
        try
        {
            await WriteAsync(Frame.Heartbeat, contentLength: false, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StompConnectionException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task ReadLoopAsync()
    {
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var before = buffer.Length;
                try
                {
                    t_readLoop = this;
                    while (_reader.TryRead(ref buffer, out var frame))
                    {
                        _sink.OnFrame(this, frame);
                    }
                }
                finally
                {
                    t_readLoop = null;
                    Interlocked.Add(ref _bytesRead, before - buffer.Length);
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    ClosedByPeer = result.IsCompleted && buffer.IsEmpty;
                    failure = buffer.IsEmpty
                        ? new StompConnectionException($"The broker at {Endpoint} closed the connection.")
                        : new StompConnectionException($"The broker at {Endpoint} closed the connection in the middle of a frame ({buffer.Length} bytes unread).");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is StompProtocolException or StompConnectionException)
        {
            // A garbled frame, or a transport's own typed failure (a TLS refusal that surfaced on the first read).
            failure = e;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            failure = _closing.IsCancellationRequested ? null : new StompConnectionException($"Reading from {Endpoint} failed: {e.Message}", e);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }

        End(failure);
    }

    private async Task SendLoopAsync()
    {
        var output = _outbound.Reader;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await output.ReadAsync(_closing.Token).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    await _stream.WriteAsync(segment, _closing.Token).ConfigureAwait(false);
                }

                await _stream.FlushAsync(_closing.Token).ConfigureAwait(false);
                output.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (StompConnectionException e)
        {
            // The transport's own typed failure (a TLS refusal that surfaced on a write).
            failure = e;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            failure = new StompConnectionException($"Writing to {Endpoint} failed: {e.Message}", e);
        }
        finally
        {
            await output.CompleteAsync().ConfigureAwait(false);
        }

        if (failure is not null)
        {
            End(failure);
        }
    }

    /// <summary>Waits until everything written so far has reached the socket (at most about twice <paramref name="drainTimeout"/>), then closes it.</summary>
    public async ValueTask CloseAsync(TimeSpan drainTimeout)
    {
        Volatile.Write(ref _closedByUs, true);

        // A writer whose flush waits for a peer that stopped reading holds the lock: then there is nothing to drain in order.
        if (await _writeLock.WaitAsync(drainTimeout).ConfigureAwait(false))
        {
            try
            {
                await _outbound.Writer.CompleteAsync().ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        await Task.WhenAny(_sendLoop, Task.Delay(drainTimeout)).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Ends the connection with <paramref name="reason"/>, e.g. a heart-beat timeout; the sink hears it.</summary>
    public void Abort(Exception reason) => End(reason);

    /// <summary>Ends the connection once; the sink hears a failure unless the end was asked for by this side.</summary>
    private void End(Exception? failure)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _closedByUs))
        {
            failure = null;
        }

        _closing.Cancel();
        _outbound.Writer.CancelPendingFlush();
        _stream.Dispose();
        _sink.OnClosed(this, failure);
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _closedByUs, true);
        End(null);
        if (t_readLoop == this)
        {
            // Called by a frame's observer, on the read loop itself: waiting for the loop would wait forever.
            return;
        }

        await Task.WhenAll(_readLoop, _sendLoop).ConfigureAwait(false);
        _closing.Dispose();
        // The write lock is not disposed: a writer whose flush the end cancelled still releases it afterwards, and
        // writers queued on it must still get it, to learn that the connection ended. It holds no OS handle.
    }
}

/// <summary>Receives what a <see cref="StompConnection"/> reads.</summary>
internal interface IFrameSink
{
    /// <summary>One frame or heart-beat, from the read loop, in wire order.</summary>
    void OnFrame(StompConnection connection, Frame frame);

    /// <summary>The connection ended, once: <paramref name="failure"/> is null only when this side closed it.</summary>
    void OnClosed(StompConnection connection, Exception? failure);
}

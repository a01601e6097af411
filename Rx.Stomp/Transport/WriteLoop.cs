using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Transport;

/// <summary>
/// The ordered writer of one connection: callers serialize frames into an in-memory pipe under a lock, in call
/// order, and one loop drains the pipe into the stream in large writes, so a burst of small frames costs few system calls.
/// </summary>
/// <remarks>
/// On a socket, a lone small frame (a request, a reply, an ACK) is written by its caller at once when the loop has
/// nothing to write, the socket has room and no such write came within the last few microseconds: it leaves without
/// waking a thread, while a burst still goes through the pipe.
/// </remarks>
#pragma warning disable CA1001 // The lock is never disposed, on purpose: see Stop.
internal sealed class WriteLoop
#pragma warning restore CA1001
{
    private readonly Stream _stream;
    private readonly StompEndpoint _endpoint;
    private readonly Socket? _socket;
    // Segments of 64 KiB: the loop makes one write per segment, so small ones would cost a system call per 4 KiB.
    private readonly Pipe _outbound = new(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
    private readonly SemaphoreSlim _lock = new(1, 1);
    // Ten microseconds: far below a round trip, far above the gap between the sends of a burst.
    private static readonly long InlineGap = Stopwatch.Frequency / 100_000;
    private const int MaxInlineBody = 16 * 1024;
    private readonly ArrayBufferWriter<byte> _inline = new(4096);
    private FrameWriter _writer = new(StompVersion.V12);
    private long _framesWritten;
    private long _queuedBytes;
    private long _lastInline;
    private int _stopped;
    // Set once a write failed or the loop is gone: the socket takes nothing more, so later frames are never written.
    private int _broken;
    private bool _disconnectWritten;

    /// <param name="stream">Where the frames go.</param>
    /// <param name="endpoint">Where it leads, for messages.</param>
    /// <param name="socket">
    /// The socket under <paramref name="stream"/>, if it is one: then the stream is written with blocking calls (a socket
    /// that sees only those keeps its reader free of thread hops, see <see cref="TcpTransport"/>), some by their callers.
    /// </param>
    /// <param name="stopping">Ends the loop.</param>
    public WriteLoop(Stream stream, StompEndpoint endpoint, Socket? socket, CancellationToken stopping)
    {
        _stream = stream;
        _endpoint = endpoint;
        _socket = socket;
        Completion = Task.Run(() => DrainAsync(stopping), CancellationToken.None);
    }

    /// <summary>Ends when the loop stops: with the failure that stopped it, or null when it was stopped or completed.</summary>
    public Task<Exception?> Completion { get; }

    /// <summary>How many frames and heart-beats were handed over so far; heart-beat sending watches it.</summary>
    public long FramesWritten => Interlocked.Read(ref _framesWritten);

    /// <summary>Writes with the rules of <paramref name="version"/> from now on.</summary>
    public void UseVersion(StompVersion version) => _writer = new FrameWriter(version);

    /// <summary>Serializes <paramref name="frame"/> into the outbound buffer, in call order.</summary>
    /// <exception cref="StompProtocolException">The frame cannot be carried by the version in use; nothing was written.</exception>
    /// <remarks>
    /// A closed connection, or a frame after DISCONNECT, fails the returned task with <see cref="StompConnectionException"/>
    /// (<see cref="ConnectionEndedException"/> when nothing was written): the call itself does not throw it.
    /// </remarks>
    public ValueTask WriteAsync(Frame frame, bool contentLength, CancellationToken cancellationToken) =>
        // The usual case takes the lock and flushes without waiting: no state machine, no allocation.
        _lock.Wait(0, CancellationToken.None)
            ? WriteLocked(frame, contentLength)
            : WriteContendedAsync(frame, contentLength, cancellationToken);

    private async ValueTask WriteContendedAsync(Frame frame, bool contentLength, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WriteLocked(frame, contentLength).ConfigureAwait(false);
    }

    /// <summary>Writes and flushes while holding the lock, and releases it once the flush is done.</summary>
    private ValueTask WriteLocked(Frame frame, bool contentLength)
    {
        var handedOver = false;
        try
        {
            if (Volatile.Read(ref _stopped) != 0 || Volatile.Read(ref _broken) != 0)
            {
                // A faulted task, not a throw: callers tell this "nothing was written" apart by awaiting.
                return ValueTask.FromException(new ConnectionEndedException(_endpoint));
            }

            // Checked under the lock: a caller that found the client connected may reach it after DISCONNECT, and a
            // frame written then would be dropped by the broker while its caller was told it went out.
            if (_disconnectWritten)
            {
                return ValueTask.FromException(new StompConnectionException($"DISCONNECT was sent to {_endpoint}: nothing may follow it."));
            }

            bool inline;
            try
            {
                inline = TryWriteInline(frame, contentLength);
            }
            catch (StompConnectionException e)
            {
                // A failed write is the task's failure, as any other I/O failure of an asynchronous call; a socket the
                // end disposed between the check above and the write took nothing, so that send may go again.
                return ValueTask.FromException(Volatile.Read(ref _stopped) != 0 ? new ConnectionEndedException(_endpoint) : e);
            }

            _disconnectWritten = frame.Command == StompCommand.Disconnect;
            Interlocked.Increment(ref _framesWritten);
            if (inline)
            {
                return ValueTask.CompletedTask;
            }

            Interlocked.Add(ref _queuedBytes, _outbound.Writer.UnflushedBytes);
            var flush = _outbound.Writer.FlushAsync(CancellationToken.None);
            if (!flush.IsCompletedSuccessfully)
            {
                handedOver = true;
                return AwaitFlushAsync(flush);
            }

            // A failure is the task's, never a throw from the call: callers await sends, they do not guard the call.
            // A loop already gone, or a connection stopped before this flush, leaves the frame to go again (at worst a
            // duplicate, never a loss).
            var result = flush.Result;
            return result.IsCompleted || result.IsCanceled ? ValueTask.FromException(new ConnectionEndedException(_endpoint)) : ValueTask.CompletedTask;
        }
        finally
        {
            if (!handedOver)
            {
                _lock.Release();
            }
        }
    }

    /// <summary>
    /// Writes a small frame to the socket on the caller's thread if nothing waits in the pipe (called under the lock, so
    /// nothing can overtake it), the socket has room (so the call does not block) and the last such write is not recent;
    /// else serializes it into the pipe for the loop, and returns false.
    /// </summary>
    private bool TryWriteInline(Frame frame, bool contentLength)
    {
        var now = Stopwatch.GetTimestamp();
        if (_socket is null || frame.Body.Length > MaxInlineBody || Volatile.Read(ref _queuedBytes) != 0 || now - _lastInline < InlineGap
            || !HasRoom(_socket))
        {
            _writer.Write(_outbound.Writer, frame, contentLength);
            return false;
        }

        _inline.ResetWrittenCount();
        _writer.Write(_inline, frame, contentLength);
        try
        {
            _stream.Write(_inline.WrittenSpan);
        }
        catch (Exception e) when (IsEnded(e))
        {
            Volatile.Write(ref _broken, 1);
            if (Volatile.Read(ref _stopped) == 0)
            {
                // The loop ends with the failure, and the connection with it.
                _outbound.Writer.Complete(e);
            }

            // Either way the caller hears it as from a flush the end cut.
            throw new StompConnectionException($"The connection to {_endpoint} ended while the frame was being written: {e.Message}", e);
        }

        _lastInline = Stopwatch.GetTimestamp();
        return true;
    }

    /// <summary>
    /// Whether a write failed because the connection ended. A <see cref="NetworkStream"/> that the end disposes between
    /// its own checks says it "does not support writing" (an <see cref="InvalidOperationException"/>): seen with a peer
    /// that closes as CONNECT is written, where it crashed the process.
    /// </summary>
    private bool IsEnded(Exception e) =>
        e is IOException or ObjectDisposedException or SocketException || (e is InvalidOperationException && !_stream.CanWrite);

    /// <summary>Whether a write to <paramref name="socket"/> would not block; a socket closed meanwhile has none (the pipe then reports the end).</summary>
    private static bool HasRoom(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectWrite);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits for a flush that the pipe held back (the loop is behind), then releases the lock.</summary>
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            var result = await flush.ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                // The loop ended, or the connection stopped, while this frame waited for room: some of it may have left.
                throw EndedWhileWriting();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private StompConnectionException EndedWhileWriting() =>
        new($"The connection to {_endpoint} ended while the frame was being written.");

    /// <summary>Lets everything written so far reach the stream, then ends the loop; waits about twice <paramref name="timeout"/> at most.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        // A writer whose flush waits for a peer that stopped reading holds the lock: then there is nothing to drain in order.
        if (await _lock.WaitAsync(timeout).ConfigureAwait(false))
        {
            try
            {
                await _outbound.Writer.CompleteAsync().ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }

        await Task.WhenAny(Completion, Task.Delay(timeout)).ConfigureAwait(false);
    }

    /// <summary>Refuses every later frame and releases a writer waiting for room; the stream's end stops the loop.</summary>
    /// <remarks>
    /// The lock is never disposed: a writer whose flush the end cancelled still releases it afterwards, and writers
    /// queued on it must still get it, to learn that the connection ended. It holds no OS handle.
    /// </remarks>
    public void Stop()
    {
        Volatile.Write(ref _stopped, 1);
        _outbound.Writer.CancelPendingFlush();
    }

    private async Task<Exception?> DrainAsync(CancellationToken stopping)
    {
        var output = _outbound.Reader;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await output.ReadAsync(stopping).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    if (_socket is not null)
                    {
                        // Blocks this pool thread only while the socket's buffer is full; closing the socket ends it.
                        _stream.Write(segment.Span);
                    }
                    else
                    {
                        await _stream.WriteAsync(segment, stopping).ConfigureAwait(false);
                    }
                }

                if (_socket is null)
                {
                    await _stream.FlushAsync(stopping).ConfigureAwait(false);
                }

                // Counted down after the write: while it runs, callers keep to the pipe, behind it.
                Interlocked.Add(ref _queuedBytes, -result.Buffer.Length);
                output.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (StompConnectionException e)
        {
            // The transport's own typed failure (a TLS refusal that surfaced on a write).
            failure = e;
        }
        catch (Exception e) when (IsEnded(e))
        {
            failure = stopping.IsCancellationRequested ? null : new StompConnectionException($"Writing to {_endpoint} failed: {e.Message}", e);
        }
        finally
        {
            Volatile.Write(ref _broken, 1);
            await output.CompleteAsync().ConfigureAwait(false);
        }

        return failure;
    }
}

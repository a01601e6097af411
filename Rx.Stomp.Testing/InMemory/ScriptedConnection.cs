using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Testing;

/// <summary>
/// The broker's side of one connection that a client opened through an <see cref="InMemoryTransport"/>: a test
/// reads the frames the client wrote and writes frames, heart-beats, garbage or the end of the connection back.
/// It has no clock: heart-beats and silences happen exactly when the test makes them, so a client on a
/// <c>TestScheduler</c> sees virtual time only. Every read is bounded by <see cref="StreamWaits.DefaultTimeout"/>
/// of real time (or the timeout given), so a client that never writes fails the test instead of hanging it.
/// </summary>
/// <remarks>
/// The client's bytes are read as they come and kept for the test's reads, in order. Like any broker, it answers a
/// DISCONNECT that asks for a receipt with its RECEIPT and closes the connection (unless <see cref="AnswersDisconnect"/>
/// is turned off), so disposing a client that runs on a <c>TestScheduler</c> ends without advancing the clock.
/// </remarks>
public sealed class ScriptedConnection : IAsyncDisposable
{
    private readonly Pipe _fromClient;
    private readonly Pipe _toClient;
    private readonly ClientReads _reads;
    private readonly Channel<Frame> _received = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Task _readLoop;
    private volatile FrameReader _reader = new(StompVersion.V12);
    private volatile FrameWriter _writer = new(StompVersion.V12);
    private volatile bool _answersDisconnect = true;
    private long _messages;
    private int _ended;

    internal ScriptedConnection(StompEndpoint endpoint, Pipe fromClient, Pipe toClient, ClientReads reads)
    {
        Endpoint = endpoint;
        _fromClient = fromClient;
        _toClient = toClient;
        _reads = reads;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The endpoint the client asked for.</summary>
    public StompEndpoint Endpoint { get; }

    /// <summary>The version frames are read and written with: 1.2 until <see cref="AnswerConnectAsync"/> says otherwise.</summary>
    public StompVersion Version => _writer.Version;

    /// <summary>Whether a DISCONNECT with a <c>receipt</c> header is answered with its RECEIPT and the connection closed (the default).</summary>
    public bool AnswersDisconnect
    {
        get => _answersDisconnect;
        set => _answersDisconnect = value;
    }

    /// <summary>Completes once the client has closed its side of the connection.</summary>
    public Task ClientClosed => _readLoop;

    /// <summary>The next frame or heart-beat the client wrote; null once the client closed the connection.</summary>
    /// <param name="timeout">How long to wait; <see cref="StreamWaits.DefaultTimeout"/> when null.</param>
    /// <exception cref="TimeoutException">The client wrote nothing in time.</exception>
    /// <exception cref="StompProtocolException">The client wrote something that is not STOMP.</exception>
    public async Task<Frame?> ReadAnyAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? StreamWaits.DefaultTimeout;
        using var expiry = new CancellationTokenSource(limit);
        try
        {
            return await _received.Reader.WaitToReadAsync(expiry.Token).ConfigureAwait(false) && _received.Reader.TryRead(out var frame) ? frame : null;
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"The client wrote nothing to {Endpoint} within {limit.TotalSeconds:0.###} s."));
        }
    }

    /// <summary>The next frame the client wrote, heart-beats skipped; null once the client closed the connection.</summary>
    /// <param name="timeout">How long to wait for each frame or heart-beat; <see cref="StreamWaits.DefaultTimeout"/> when null.</param>
    /// <exception cref="TimeoutException">The client wrote nothing in time.</exception>
    public async Task<Frame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        while (await ReadAnyAsync(timeout).ConfigureAwait(false) is { } frame)
        {
            if (!frame.IsHeartbeat)
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>Reads the next frame (heart-beats skipped) and checks that it is a <paramref name="command"/>.</summary>
    /// <exception cref="InvalidOperationException">The client wrote another frame, or closed the connection.</exception>
    /// <exception cref="TimeoutException">The client wrote nothing in time.</exception>
    public async Task<Frame> ExpectAsync(StompCommand command, TimeSpan? timeout = null)
    {
        var frame = await ReadFrameAsync(timeout).ConfigureAwait(false);
        return frame?.Command == command
            ? frame
            : throw new InvalidOperationException($"Expected {command.ToWire()} from the client, got {frame?.ToString() ?? "the end of the connection"}.");
    }

    /// <summary>
    /// Reads the client's CONNECT (or STOMP) and answers CONNECTED for <paramref name="version"/>, whose frames are read
    /// and written from then on.
    /// </summary>
    /// <param name="heartbeat">The broker's side of heart-beat negotiation, <c>sx,sy</c> in milliseconds: "1000,0" promises a beat every second.</param>
    /// <param name="version">The version to answer with.</param>
    /// <param name="timeout">How long to wait for CONNECT; <see cref="StreamWaits.DefaultTimeout"/> when null.</param>
    /// <returns>The client's CONNECT frame.</returns>
    public async Task<Frame> AnswerConnectAsync(string heartbeat = "0,0", StompVersion version = StompVersion.V12, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(heartbeat);
        var connect = await ReadFrameAsync(timeout).ConfigureAwait(false);
        if (connect?.Command is not (StompCommand.Connect or StompCommand.Stomp))
        {
            throw new InvalidOperationException($"Expected CONNECT from the client, got {connect?.ToString() ?? "the end of the connection"}.");
        }

        // The client writes nothing between CONNECT and CONNECTED, so the next frame it writes is read by the new rules.
        _reader = new FrameReader(version);
        await SendAsync(ScriptFrames.Connected(version, heartbeat), version).ConfigureAwait(false);
        _writer = new FrameWriter(version);
        return connect;
    }

    /// <summary>Writes <paramref name="frame"/> to the client (with <c>content-length</c> when it has a body).</summary>
    /// <exception cref="StompProtocolException">The frame cannot be written in <see cref="Version"/>.</exception>
    public Task SendAsync(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return SendAsync(frame, Version);
    }

    /// <summary>Answers <paramref name="frame"/>'s <c>receipt</c> header with a RECEIPT.</summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> asked for no receipt.</exception>
    public Task SendReceiptAsync(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return SendAsync(ScriptFrames.ReceiptFor(frame));
    }

    /// <summary>
    /// Writes a MESSAGE for the subscription that <paramref name="subscribe"/> (a SUBSCRIBE the client wrote) opened:
    /// its destination and id, a fresh <c>message-id</c> (also the <c>ack</c> id), <paramref name="body"/> as UTF-8,
    /// and <paramref name="headers"/> after those.
    /// </summary>
    public Task SendMessageAsync(Frame subscribe, string body, StompHeaders? headers = null)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        ArgumentNullException.ThrowIfNull(body);
        var id = "m-" + Interlocked.Increment(ref _messages).ToString(CultureInfo.InvariantCulture);
        var message = StompHeaders.Create(
            (StompHeaderNames.Destination, subscribe.Headers[StompHeaderNames.Destination] ?? throw new ArgumentException($"{subscribe} names no destination.", nameof(subscribe))),
            (StompHeaderNames.Subscription, subscribe.Headers[StompHeaderNames.Id] ?? throw new ArgumentException($"{subscribe} has no id.", nameof(subscribe))),
            (StompHeaderNames.MessageId, id),
            (StompHeaderNames.Ack, id));
        return SendAsync(new Frame(StompCommand.Message, message.Concat(headers ?? StompHeaders.Empty), Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>Writes an ERROR with <paramref name="message"/>, naming <paramref name="about"/>'s receipt if it asked for one.</summary>
    public Task SendErrorAsync(string message, Frame? about = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = StompHeaders.Create((StompHeaderNames.Message, message));
        if (about?.Headers[StompHeaderNames.Receipt] is { } receipt)
        {
            headers = headers.Add(StompHeaderNames.ReceiptId, receipt);
        }

        return SendAsync(new Frame(StompCommand.Error, headers));
    }

    /// <summary>Writes one heart-beat (an end of line).</summary>
    public Task SendHeartbeatAsync() => SendRawAsync("\n"u8.ToArray());

    /// <summary>Writes <paramref name="text"/> as UTF-8, whatever it is: a partial frame, garbage.</summary>
    public Task SendRawAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendRawAsync(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Writes <paramref name="bytes"/> as they are.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfEnded();
            _reads.Writing(bytes.Length);
            await _toClient.Writer.WriteAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// Completes once the client has read everything written to it so far and asks for more: by then it has delivered
    /// all of it to its observers (its reader asks again only after they returned), so a test may move a virtual clock
    /// knowing what the client has seen.
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="StreamWaits.DefaultTimeout"/> of real time when null.</param>
    /// <exception cref="TimeoutException">The client did not read it all in time (an observer of its is still busy, say).</exception>
    public async Task ClientCaughtUpAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? StreamWaits.DefaultTimeout;
        try
        {
            await _reads.CaughtUpAsync().WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"The client at {Endpoint} did not read all that was written to it within {limit.TotalSeconds:0.###} s."));
        }
    }

    /// <summary>Ends the connection in order: the client reads the end of the stream after what was written.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _toClient.Writer.Complete();
        }
    }

    /// <summary>Ends the connection abruptly: the client's next read fails with an <see cref="IOException"/>, as on a reset.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _toClient.Writer.Complete(new IOException($"The connection to {Endpoint} was reset by the scripted broker."));
        }
    }

    /// <summary>Closes the connection (<see cref="Close"/>) and waits until the client has closed its side.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await _readLoop.WaitAsync(StreamWaits.DefaultTimeout).ConfigureAwait(false);
        _writing.Dispose();
    }

    private async Task SendAsync(Frame frame, StompVersion version)
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfEnded();
            var writer = version == _writer.Version ? _writer : new FrameWriter(version);
            writer.Write(_toClient.Writer, frame);
            _reads.Writing(_toClient.Writer.UnflushedBytes);
            await _toClient.Writer.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    private void ThrowIfEnded()
    {
        if (Volatile.Read(ref _ended) != 0)
        {
            throw new InvalidOperationException($"The connection to {Endpoint} was already ended by the script (Close or Abort).");
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _fromClient.Reader.ReadFrameAsync(_reader, CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                _received.Writer.TryWrite(frame);
                if (frame.Command == StompCommand.Disconnect && _answersDisconnect && frame.Headers.Contains(StompHeaderNames.Receipt) && Volatile.Read(ref _ended) == 0)
                {
                    await SendReceiptAsync(frame).ConfigureAwait(false);
                    Close();
                }
            }

            _received.Writer.TryComplete();
        }
        catch (StompProtocolException e)
        {
            _received.Writer.TryComplete(e);
        }
        finally
        {
            await _fromClient.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}

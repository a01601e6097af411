using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// A scripted STOMP client on a real loopback socket, for testing a server frame by frame: it sends exactly the
/// bytes it is told to, and reads with the rules of <see cref="Version"/>. Every read is bounded by
/// <see cref="StreamWaits.DefaultTimeout"/>, so a server that stays silent fails the test instead of hanging it.
/// </summary>
internal sealed class RawClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly RecordingStream _stream;
    private readonly PipeReader _input;
    private readonly Queue<Frame> _early = new();
    private FrameReader _reader;
    private FrameWriter _writer;

    private RawClient(Socket socket, StompVersion version)
    {
        _socket = socket;
        _stream = new RecordingStream(new NetworkStream(socket, ownsSocket: true));
        _input = PipeReader.Create(_stream);
        _reader = new FrameReader(version);
        _writer = new FrameWriter(version);
        Version = version;
    }

    public static async Task<RawClient> OpenAsync(StompEndpoint endpoint, StompVersion version = StompVersion.V12)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint.Host, endpoint.Port).WaitAsync(StreamWaits.DefaultTimeout);
        return new RawClient(socket, version);
    }

    /// <summary>Opens a connection and completes the handshake for <paramref name="version"/>.</summary>
    public static async Task<RawClient> ConnectAsync(StompEndpoint endpoint, StompVersion version = StompVersion.V12, string? heartbeat = null, params (string Name, string Value)[] headers)
    {
        var client = await OpenAsync(endpoint, version);
        var connected = await client.HandshakeAsync(version, heartbeat, headers);
        Assert.That(connected.Command, Is.EqualTo(StompCommand.Connected), connected.ToString());
        return client;
    }

    /// <summary>The version whose rules reads and writes follow.</summary>
    public StompVersion Version { get; private set; }

    /// <summary>The CONNECTED frame of the handshake.</summary>
    public Frame? Connected { get; private set; }

    /// <summary>The <c>session</c> header of CONNECTED.</summary>
    public string Session => Connected?.Headers["session"] ?? throw new InvalidOperationException("Not connected.");

    /// <summary>Whether the connection ended with a TCP reset rather than an orderly close.</summary>
    public bool EndedByReset { get; private set; }

    /// <summary>Sizes of the socket reads so far, in bytes.</summary>
    public IReadOnlyList<int> ReadSizes => _stream.ReadSizes;

    public void UseVersion(StompVersion version)
    {
        Version = version;
        _reader = new FrameReader(version);
        _writer = new FrameWriter(version);
    }

    /// <summary>Sends CONNECT (accept-version for <paramref name="version"/>) and returns the answer: CONNECTED or ERROR.</summary>
    public async Task<Frame> HandshakeAsync(StompVersion version, string? heartbeat = null, params (string Name, string Value)[] headers)
    {
        var all = new List<(string, string)> { ("accept-version", version.ToWire()), ("host", "/") };
        if (heartbeat is not null)
        {
            all.Add(("heart-beat", heartbeat));
        }

        all.AddRange(headers);
        await SendAsync(StompCommand.Connect, [.. all]);
        var answer = await ExpectFrameAsync();
        if (answer.Command == StompCommand.Connected)
        {
            Connected = answer;
            UseVersion(version);
        }

        return answer;
    }

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(StreamWaits.DefaultTimeout);
        await _stream.FlushAsync();
    }

    public Task SendAsync(Frame frame, bool contentLength = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _writer.Write(buffer, frame, contentLength);
        return SendRawAsync(buffer.WrittenSpan.ToArray());
    }

    public Task SendAsync(StompCommand command, params (string Name, string Value)[] headers) =>
        SendAsync(new Frame(command, StompHeaders.Create(headers)));

    public Task SendAsync(StompCommand command, string body, params (string Name, string Value)[] headers) =>
        SendAsync(new Frame(command, StompHeaders.Create(headers), Encoding.UTF8.GetBytes(body)));

    /// <summary>
    /// Sends a frame with a receipt and waits for the RECEIPT; every frame before it was processed then. MESSAGEs that
    /// arrive first are kept for the next reads.
    /// </summary>
    public async Task<Frame> SendWithReceiptAsync(StompCommand command, params (string Name, string Value)[] headers)
    {
        var id = "r-" + Guid.NewGuid().ToString("N");
        await SendAsync(new Frame(command, StompHeaders.Create([.. headers, ("receipt", id)])));
        var early = new List<Frame>();
        while (true)
        {
            var frame = await ReadFrameAsync();
            if (frame?.Command == StompCommand.Message)
            {
                early.Add(frame);
                continue;
            }

            Assert.That(frame?.Command, Is.EqualTo(StompCommand.Receipt), $"expected RECEIPT, got {frame?.ToString() ?? "the end of the connection"}: {frame?.GetBodyText()}");
            Assert.That(frame!.Headers["receipt-id"], Is.EqualTo(id));
            early.ForEach(_early.Enqueue);
            return frame;
        }
    }

    /// <summary>Waits for a RECEIPT to a no-op (BEGIN + ABORT would change state; an empty transaction is fine): a barrier.</summary>
    public async Task SyncAsync()
    {
        var tx = "sync-" + Guid.NewGuid().ToString("N");
        await SendAsync(StompCommand.Begin, ("transaction", tx));
        await SendWithReceiptAsync(StompCommand.Abort, ("transaction", tx));
    }

    /// <summary>The next frame or heart-beat; null when the server closed (or reset) the connection.</summary>
    public async Task<Frame?> ReadAnyAsync(TimeSpan? timeout = null)
    {
        if (_early.TryDequeue(out var kept))
        {
            return kept;
        }

        using var guard = new CancellationTokenSource(timeout ?? StreamWaits.DefaultTimeout);
        try
        {
            return await _input.ReadFrameAsync(_reader, guard.Token);
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            throw new TimeoutException($"Nothing from the server within {(timeout ?? StreamWaits.DefaultTimeout).TotalSeconds} s.");
        }
        catch (IOException e)
        {
            EndedByReset = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset };
            return null;
        }
    }

    /// <summary>The next frame, skipping heart-beats; null when the server closed the connection.</summary>
    public async Task<Frame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        while (await ReadAnyAsync(timeout) is { } frame)
        {
            if (!frame.IsHeartbeat)
            {
                return frame;
            }
        }

        return null;
    }

    public async Task<Frame> ExpectFrameAsync()
    {
        var frame = await ReadFrameAsync();
        Assert.That(frame, Is.Not.Null, "the server closed the connection");
        return frame!;
    }

    public async Task<Frame> ExpectAsync(StompCommand command)
    {
        var frame = await ReadFrameAsync();
        Assert.That(frame?.Command, Is.EqualTo(command), $"expected {command.ToWire()}, got {frame?.ToString() ?? "the end of the connection"}: {frame?.GetBodyText()}");
        return frame!;
    }

    /// <summary>Expects an ERROR and then the end of the connection; returns the ERROR.</summary>
    public async Task<Frame> ExpectErrorAndCloseAsync()
    {
        var error = await ExpectAsync(StompCommand.Error);
        await ExpectClosedAsync();
        return error;
    }

    /// <summary>Expects the server to close the connection, with no frame (heart-beats aside) before it.</summary>
    public async Task ExpectClosedAsync()
    {
        var frame = await ReadFrameAsync();
        Assert.That(frame, Is.Null, $"expected the connection to close, got {frame}");
    }

    /// <summary>Asserts that no frame (heart-beats aside) arrives within <paramref name="quiet"/>.</summary>
    public async Task ExpectNothingAsync(TimeSpan quiet)
    {
        try
        {
            var frame = await ReadFrameAsync(quiet);
            Assert.Fail($"expected nothing, got {frame?.ToString() ?? "the end of the connection"}");
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Closes the socket with a reset, as a crashed client would.</summary>
    public void Abort() => _socket.Close(0);

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        _socket.Dispose();
    }
}

/// <summary>A stream that remembers the size of every read.</summary>
internal sealed class RecordingStream(Stream inner) : Stream
{
    private readonly List<int> _sizes = [];

    public IReadOnlyList<int> ReadSizes
    {
        get
        {
            lock (_sizes)
            {
                return [.. _sizes];
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        lock (_sizes)
        {
            _sizes.Add(read);
        }

        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

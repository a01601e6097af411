using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// A scripted STOMP peer on a real loopback socket, for the behaviours no well-behaved broker shows: silence,
/// missing receipts, hostile bytes. Each test drives it frame by frame.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private PipeReader? _input;
    private Stream? _stream;
    private readonly FrameReader _reader = new(StompVersion.V12);

    public RawPeer() => _listener.Start();

    public StompEndpoint Endpoint => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    /// <summary>Accepts the next connection from the client; a previous one is dropped.</summary>
    public async Task AcceptAsync(CancellationToken cancellationToken = default)
    {
        if (_input is not null)
        {
            await _input.CompleteAsync();
        }

        _socket?.Dispose();
        _socket = await _listener.AcceptSocketAsync(cancellationToken);
        _stream = new NetworkStream(_socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
    }

    /// <summary>The next frame from the client, skipping heart-beats; null when the client closed.</summary>
    public async Task<Frame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (await ReadAnyAsync(cancellationToken) is { } frame)
        {
            if (!frame.IsHeartbeat)
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>The next frame or heart-beat from the client; null when the client closed.</summary>
    public Task<Frame?> ReadAnyAsync(CancellationToken cancellationToken = default) =>
        _input!.ReadFrameAsync(_reader, cancellationToken);

    /// <summary>Reads the next frame and checks its command.</summary>
    public async Task<Frame> ExpectAsync(StompCommand command, CancellationToken cancellationToken = default)
    {
        var frame = await ReadFrameAsync(cancellationToken);
        Assert.That(frame?.Command, Is.EqualTo(command), $"expected {command.ToWire()}, got {frame?.ToString() ?? "end of stream"}");
        return frame!;
    }

    public async Task SendRawAsync(string text) => await SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream!.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Writes <paramref name="bytes"/> without waiting for the client to take them (the task shows when it has).</summary>
    public Task WriteRawAsync(ReadOnlyMemory<byte> bytes) => _stream!.WriteAsync(bytes).AsTask();

    public Task SendAsync(Frame frame, StompVersion version = StompVersion.V12)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new FrameWriter(version).Write(buffer, frame);
        return SendRawAsync(buffer.WrittenSpan.ToArray());
    }

    /// <summary>Accepts the client and answers its CONNECT with CONNECTED for <paramref name="version"/>.</summary>
    public async Task<Frame> AcceptAndConnectAsync(StompVersion version = StompVersion.V12, string heartbeat = "0,0", CancellationToken cancellationToken = default)
    {
        await AcceptAsync(cancellationToken);
        var connect = await ExpectAsync(StompCommand.Connect, cancellationToken);
        await SendAsync(ScriptFrames.Connected(version, heartbeat));
        return connect;
    }

    /// <summary>Connects <paramref name="client"/> to this peer: accepts it and answers CONNECTED.</summary>
    public async Task ConnectAsync(Rx.Stomp.Client.StompClient client, string heartbeat = "0,0", StompVersion version = StompVersion.V12)
    {
        var connecting = client.ConnectAsync();
        await AcceptAndConnectAsync(version, heartbeat).WaitAsync(StreamWaits.DefaultTimeout);
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);
    }

    /// <summary>
    /// A new peer and a client of it (options from <paramref name="configure"/>), connected with STOMP
    /// <paramref name="version"/>; disposing the clean-up closes the peer, then the client (see <see cref="ClosingFirst"/>).
    /// </summary>
    public static async Task<(RawPeer Peer, Rx.Stomp.Client.StompClient Client, IAsyncDisposable Cleanup)> ConnectedAsync(
        Func<Rx.Stomp.Client.StompClientOptions, Rx.Stomp.Client.StompClientOptions>? configure = null, StompVersion version = StompVersion.V12)
    {
        var peer = new RawPeer();
        var options = new Rx.Stomp.Client.StompClientOptions { Endpoints = [peer.Endpoint], AcceptVersions = [version] };
        var client = new Rx.Stomp.Client.StompClient(configure is null ? options : configure(options));
        var cleanup = ClosingFirst(peer, client);
        await peer.ConnectAsync(client, version: version);
        return (peer, client, cleanup);
    }

    /// <summary>Answers <paramref name="frame"/>'s receipt request.</summary>
    public Task SendReceiptAsync(Frame frame) => SendAsync(ScriptFrames.ReceiptFor(frame));

    /// <summary>
    /// Disposes the peer, then the client: with the socket gone the client's DISCONNECT fails at once instead of
    /// waiting for a receipt on a virtual clock that nobody advances.
    /// </summary>
    public static IAsyncDisposable ClosingFirst(IAsyncDisposable peer, IAsyncDisposable client) => new Sequence(peer, client);

    private sealed class Sequence(params IAsyncDisposable[] parts) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var part in parts)
            {
                await part.DisposeAsync();
            }
        }
    }

    public void CloseClientConnection() => _socket?.Close();

    public async ValueTask DisposeAsync()
    {
        if (_input is not null)
        {
            await _input.CompleteAsync();
        }

        _socket?.Dispose();
        _listener.Stop();
        _listener.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// A scripted WebSocket server on a real loopback socket (the HTTP upgrade done by hand, then the framework's
/// server-side <see cref="WebSocket"/>): it decides how STOMP bytes are cut into WebSocket messages, which no real
/// broker lets a test choose.
/// </summary>
internal sealed class RawWebSocketPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private WebSocket? _webSocket;

    public RawWebSocketPeer() => _listener.Start();

    public StompEndpoint Endpoint => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port) { Kind = StompTransportKind.WebSocket, Path = "/stomp" };

    /// <summary>The request line and headers of the last upgrade request.</summary>
    public IReadOnlyList<string> RequestLines { get; private set; } = [];

    /// <summary>Accepts the client's upgrade and answers it with the <c>v12.stomp</c> subprotocol.</summary>
    public async Task AcceptAsync()
    {
        _socket = await _listener.AcceptSocketAsync();
        var stream = new NetworkStream(_socket, ownsSocket: true);
        var request = new StringBuilder();
        var one = new byte[1];
        while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("The client closed during the upgrade request.");
            }

            request.Append((char)one[0]);
        }

        RequestLines = request.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var key = Header("Sec-WebSocket-Key") ?? throw new AssertionException("no Sec-WebSocket-Key");
#pragma warning disable CA5350 // RFC 6455 defines Sec-WebSocket-Accept with SHA-1; it is no security measure.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n"));
        _webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, SubProtocol = "v12.stomp" });
    }

    /// <summary>The value of a header of the upgrade request.</summary>
    public string? Header(string name) =>
        RequestLines.Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

    /// <summary>The next whole WebSocket message from the client, with its type.</summary>
    public async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveMessageAsync()
    {
        using var payload = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await _webSocket!.ReceiveAsync(buffer, CancellationToken.None);
            payload.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, payload.ToArray());
            }
        }
    }

    /// <summary>The next STOMP frame from the client, which must come whole in one message.</summary>
    public async Task<Frame> ReceiveFrameAsync()
    {
        var (_, payload) = await ReceiveMessageAsync();
        var bytes = new System.Buffers.ReadOnlySequence<byte>(payload);
        Assert.That(new FrameReader(StompVersion.V12).TryRead(ref bytes, out var frame), Is.True, "a whole frame in one message");
        return frame!;
    }

    /// <summary>Sends <paramref name="text"/> as one text message, or as several when <paramref name="endOfMessage"/> is false.</summary>
    public Task SendAsync(string text, bool endOfMessage = true) =>
        _webSocket!.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage, CancellationToken.None);

    /// <summary>Closes the WebSocket as a server going away would, with a close frame.</summary>
    public Task CloseAsync() => _webSocket!.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "going away", CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        _webSocket?.Dispose();
        _socket?.Dispose();
        _listener.Stop();
        _listener.Dispose();
        await Task.CompletedTask;
    }
}

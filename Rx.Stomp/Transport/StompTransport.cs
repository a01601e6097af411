namespace Rx.Stomp.Transport;

/// <summary>
/// The default transport: each endpoint by its <see cref="StompEndpoint.Kind"/>, TCP and TLS through
/// <see cref="TcpTransport"/>, <c>ws://</c> and <c>wss://</c> through <see cref="WebSocketTransport"/>.
/// </summary>
public sealed class StompTransport : IStompTransport
{
    private readonly TcpTransport _tcp;
    private readonly WebSocketTransport _webSocket;

    /// <summary>Creates the transport with the settings of each kind.</summary>
    public StompTransport(TcpTransportOptions? tcp = null, WebSocketTransportOptions? webSocket = null)
    {
        _tcp = new TcpTransport(tcp);
        _webSocket = new WebSocketTransport(webSocket);
    }

    /// <inheritdoc />
    public ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Kind.IsWebSocket() ? _webSocket.ConnectAsync(endpoint, cancellationToken) : _tcp.ConnectAsync(endpoint, cancellationToken);
    }
}

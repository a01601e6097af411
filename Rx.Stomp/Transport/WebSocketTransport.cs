using System.Net.Http;
using System.Net.WebSockets;

namespace Rx.Stomp.Transport;

/// <summary>
/// STOMP over WebSocket (<c>ws://</c>, <c>wss://</c>) on <see cref="ClientWebSocket"/>. The socket is presented as a
/// byte stream, so inbound frames go through the same streaming reader as TCP's: several frames in one message,
/// one frame across several messages and bare EOL heart-beats all read alike.
/// </summary>
public sealed class WebSocketTransport : IStompTransport
{
    private readonly WebSocketTransportOptions _options;

    /// <summary>Creates the transport.</summary>
    public WebSocketTransport(WebSocketTransportOptions? options = null) => _options = (options ?? new WebSocketTransportOptions()).Validate();

    /// <inheritdoc />
    /// <exception cref="StompTlsException">The TLS handshake of a <c>wss://</c> endpoint failed.</exception>
    public async ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.Kind.IsWebSocket())
        {
            throw new ArgumentException($"WebSocketTransport cannot open {endpoint}: use StompTransport or TcpTransport.", nameof(endpoint));
        }

        var tls = endpoint.Kind.UsesTls() ? TlsClientAuthentication.Create(endpoint, endpoint.Tls ?? StompTlsOptions.Default) : null;
        var handler = new SocketsHttpHandler { UseProxy = false };
        if (tls is not null)
        {
            handler.SslOptions = tls.Options;
        }

        var socket = new ClientWebSocket();
        foreach (var subprotocol in _options.Subprotocols)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        foreach (var (name, value) in _options.Headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        if (_options.KeepAliveInterval is { } keepAlive)
        {
            socket.Options.KeepAliveInterval = keepAlive;
        }

        var invoker = new HttpMessageInvoker(handler);
        try
        {
            var uri = new UriBuilder(endpoint.Kind.ToScheme(), endpoint.Host, endpoint.Port, endpoint.Path).Uri;
            await socket.ConnectAsync(uri, invoker, cancellationToken).ConfigureAwait(false);
            return new WebSocketStream(socket, _options.MessageType, invoker);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            socket.Dispose();
            invoker.Dispose();
            if (tls is not null && TlsClientAuthentication.IsTlsError(e))
            {
                throw tls.Failed(endpoint, e);
            }

            throw new StompConnectionException($"The WebSocket handshake with {endpoint} failed: {Describe(e)}", e);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) ? $"{e.Message} ({inner.Message})" : e.Message;
}

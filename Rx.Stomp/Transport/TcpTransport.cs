using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Rx.Stomp.Transport;

/// <summary>
/// TCP: a <see cref="Socket"/> wrapped in a <see cref="NetworkStream"/>, and for <see cref="StompTransportKind.Tls"/>
/// endpoints an <see cref="SslStream"/> over it, with the endpoint's <see cref="StompEndpoint.Tls"/> settings.
/// </summary>
public sealed class TcpTransport : IStompTransport
{
    private readonly TcpTransportOptions _options;

    /// <summary>Creates the transport.</summary>
    public TcpTransport(TcpTransportOptions? options = null) => _options = options ?? new TcpTransportOptions();

    /// <inheritdoc />
    /// <exception cref="StompTlsException">The TLS handshake failed; its <see cref="StompTlsException.Reason"/> says why.</exception>
    public async ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Kind.IsWebSocket())
        {
            throw new ArgumentException($"TcpTransport cannot open the WebSocket endpoint {endpoint}: use StompTransport or WebSocketTransport.", nameof(endpoint));
        }

        // Read before connecting: a missing certificate file is reported without touching the network.
        var tls = endpoint.Kind == StompTransportKind.Tls ? TlsClientAuthentication.Create(endpoint, endpoint.Tls ?? StompTlsOptions.Default) : null;
        var stream = await OpenSocketAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return tls is null ? stream : await AuthenticateAsync(stream, endpoint, tls, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<NetworkStream> OpenSocketAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = _options.LocalEndPoint is { } local
            ? new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Configure(socket);
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new StompConnectionException($"Could not connect to {endpoint}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async ValueTask<Stream> AuthenticateAsync(NetworkStream inner, StompEndpoint endpoint, TlsClientAuthentication tls, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls.Options, cancellationToken).ConfigureAwait(false);
            return new TlsStream(ssl, endpoint, tls);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw tls.Failed(endpoint, e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Configure(Socket socket)
    {
        socket.NoDelay = _options.NoDelay;
        if (_options.BufferSize > 0)
        {
            socket.SendBufferSize = _options.BufferSize;
            socket.ReceiveBufferSize = _options.BufferSize;
        }

        if (_options.KeepAlive is { } keepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)keepAlive.Idle.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)keepAlive.Interval.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, keepAlive.RetryCount);
        }

        if (_options.LocalEndPoint is { } local)
        {
            socket.Bind(local);
        }
    }
}

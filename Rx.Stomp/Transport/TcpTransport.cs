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

    /// <summary>
    /// Connects with the socket's blocking calls, on a pool thread (cancelled by closing the socket): a socket that
    /// never sees an asynchronous call stays in blocking mode, so the connection's reader thread blocks in the kernel
    /// itself. (After one asynchronous call .NET emulates blocking calls through its event loop and the thread pool: two
    /// more thread wake-ups per read.)
    /// </summary>
    private async ValueTask<NetworkStream> OpenSocketAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = _options.LocalEndPoint is { } local
            ? new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Configure(socket);
            await Blocking(socket, () => socket.Connect(endpoint.Host, endpoint.Port), cancellationToken).ConfigureAwait(false);
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
            await Blocking(ssl, () => ssl.AuthenticateAsClient(tls.Options), cancellationToken).ConfigureAwait(false);
            return new TlsStream(ssl, inner.Socket, endpoint, tls);
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

    /// <summary>Runs a blocking call on a pool thread; cancelling disposes <paramref name="owner"/>, which ends the call.</summary>
    private static async Task Blocking(IDisposable owner, Action call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var cancel = cancellationToken.Register(owner.Dispose);
        try
        {
            await Task.Run(call, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is SocketException or ObjectDisposedException or IOException or AuthenticationException)
        {
            throw new OperationCanceledException(cancellationToken);
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

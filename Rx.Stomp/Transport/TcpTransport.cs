using System.Net.Sockets;

namespace Rx.Stomp.Transport;

/// <summary>Plain TCP: a <see cref="Socket"/> wrapped in a <see cref="NetworkStream"/>.</summary>
public sealed class TcpTransport : IStompTransport
{
    private readonly TcpTransportOptions _options;

    /// <summary>Creates the transport.</summary>
    public TcpTransport(TcpTransportOptions? options = null) => _options = options ?? new TcpTransportOptions();

    /// <inheritdoc />
    public async ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
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

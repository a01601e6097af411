using System.Net;

namespace Rx.Stomp.Transport;

/// <summary>Socket settings of <see cref="TcpTransport"/> (stomp.py's <c>bind_host_port</c> and <c>keepalive</c>).</summary>
public sealed record TcpTransportOptions
{
    /// <summary>Local address and port to bind before connecting, or <see langword="null"/> to let the system choose.</summary>
    public IPEndPoint? LocalEndPoint { get; init; }

    /// <summary>Disables Nagle's algorithm; on by default because STOMP frames are small and latency matters.</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>TCP keep-alive probes, or <see langword="null"/> to leave the system's default (off).</summary>
    public TcpKeepAlive? KeepAlive { get; init; }

    /// <summary>Size of the socket's send and receive buffers in bytes, or 0 for the system's default.</summary>
    public int BufferSize { get; init; }
}

/// <summary>TCP keep-alive timing.</summary>
/// <param name="Idle">Idle time before the first probe.</param>
/// <param name="Interval">Time between probes.</param>
/// <param name="RetryCount">Unanswered probes before the connection is dropped.</param>
public sealed record TcpKeepAlive(TimeSpan Idle, TimeSpan Interval, int RetryCount);

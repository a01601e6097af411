namespace Rx.Stomp.Transport;

/// <summary>
/// Opens a byte stream to a broker. STOMP framing happens above it, so every transport (TCP, TLS, WebSocket)
/// shares the same reader and writer.
/// </summary>
public interface IStompTransport
{
    /// <summary>Connects to <paramref name="endpoint"/> and returns the open stream; the caller owns and disposes it.</summary>
    /// <exception cref="StompConnectionException">The endpoint could not be reached.</exception>
    ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken);
}

namespace Rx.Stomp.Transport;

/// <summary>
/// A write found its connection already ended: nothing of the frame went out, so it may be sent again elsewhere.
/// (A failure once writing has begun is a plain <see cref="StompConnectionException"/>: the frame may have left.)
/// </summary>
internal sealed class ConnectionEndedException(StompEndpoint endpoint)
    : StompConnectionException($"The connection to {endpoint} is closed.");

namespace Rx.Stomp.Transport;

/// <summary>
/// A frame the broker never took: its write found the connection already ended, or it was written after the broker's
/// final ERROR (the broker closes right after one). It may be sent again elsewhere. (A failure once writing has begun
/// is a plain <see cref="StompConnectionException"/>: the frame may have left and been taken.)
/// </summary>
internal sealed class ConnectionEndedException(string message) : StompConnectionException(message)
{
    public ConnectionEndedException(StompEndpoint endpoint)
        : this($"The connection to {endpoint} is closed.")
    {
    }
}

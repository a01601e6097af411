using System.Net.WebSockets;

namespace Rx.Stomp.Transport;

/// <summary>
/// A <see cref="WebSocket"/> as a byte stream. Reads return message payloads back to back, whatever their
/// boundaries. Writes go out as fragments of one message that <see cref="FlushAsync(CancellationToken)"/> ends: the
/// connection flushes after whole frames, so each message holds whole frames, and nothing is copied or buffered here.
/// WebSocket failures surface as <see cref="IOException"/>, like a socket's.
/// </summary>
internal sealed class WebSocketStream(WebSocket socket, WebSocketMessageType messageType, IDisposable owner) : DuplexStream
{
    private bool _messageOpen;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return 0;
                }

                if (result.Count > 0)
                {
                    return result.Count;
                }
            }
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Failure("receive", e);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await socket.SendAsync(buffer, messageType, endOfMessage: false, cancellationToken).ConfigureAwait(false);
            _messageOpen = true;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Failure("send", e);
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_messageOpen)
        {
            return;
        }

        try
        {
            await socket.SendAsync(ReadOnlyMemory<byte>.Empty, messageType, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            _messageOpen = false;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Failure("send", e);
        }
    }

    /// <summary>
    /// A WebSocket failure: <see cref="WebSocketException"/>, or the cancellation a socket reports when it was aborted
    /// under a pending send or receive (its stream closed) although the caller did not cancel.
    /// </summary>
    private static bool IsFailure(Exception e, CancellationToken cancellationToken) =>
        e is WebSocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static IOException Failure(string operation, Exception e) =>
        new($"WebSocket {operation} failed: {(e is OperationCanceledException { InnerException: { } cause } ? cause.Message : e.Message)}", e);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Abort, not a close handshake: the STOMP DISCONNECT/RECEIPT exchange already said goodbye.
            socket.Dispose();
            owner.Dispose();
        }

        base.Dispose(disposing);
    }
}

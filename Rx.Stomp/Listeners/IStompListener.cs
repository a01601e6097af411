using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Listeners;

/// <summary>
/// stomp.py's <c>ConnectionListener</c>, for code ported from it: callbacks attached to a client by name with
/// <see cref="StompListeners.SetListener"/>. Every member has an empty default, so a listener implements only
/// what it needs. The callbacks are driven by the client's streams, so they run where those streams deliver
/// (the read loop, or <see cref="StompClientOptions.DeliveryScheduler"/>) — except <see cref="OnSend"/> and
/// <see cref="OnDisconnecting"/>, on the sending caller's thread. New code should prefer the streams themselves.
/// </summary>
public interface IStompListener
{
    /// <summary>A connection to <paramref name="endpoint"/> is being opened (stomp.py calls it once the socket is open; here it comes as the attempt starts).</summary>
    void OnConnecting(StompEndpoint endpoint) { }

    /// <summary>CONNECTED arrived.</summary>
    void OnConnected(Frame connected) { }

    /// <summary>DISCONNECT is being sent (stomp.py declares this callback but never calls it).</summary>
    void OnDisconnecting() { }

    /// <summary>A connection that was open is no longer: lost, or closed on purpose.</summary>
    void OnDisconnected() { }

    /// <summary>The broker was silent past the heart-beat deadline; the connection is being dropped.</summary>
    void OnHeartbeatTimeout() { }

    /// <summary>
    /// Called for each MESSAGE frame before watches and <see cref="StompClient.Messages"/> see it, on the read loop;
    /// returns the frame they get (the same one, or a changed copy). Listeners are applied in the order they were set.
    /// </summary>
    Frame OnBeforeMessage(Frame message) => message;

    /// <summary>A message arrived (after every <see cref="OnBeforeMessage"/>).</summary>
    void OnMessage(StompMessage message) { }

    /// <summary>A RECEIPT arrived.</summary>
    void OnReceipt(Receipt receipt) { }

    /// <summary>An ERROR frame arrived.</summary>
    void OnError(StompError fault) { }

    /// <summary>A frame is being sent (heart-beats excluded).</summary>
    void OnSend(Frame frame) { }

    /// <summary>A heart-beat arrived.</summary>
    void OnHeartbeat() { }

    /// <summary>The read loop of a connection has ended; comes right after <see cref="OnDisconnected"/>.</summary>
    void OnReceiverLoopCompleted() { }
}

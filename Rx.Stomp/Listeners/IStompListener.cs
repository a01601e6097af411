using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Listeners;

/// <summary>
/// stomp.py's <c>ConnectionListener</c>, for code ported from it: callbacks attached to a client by name with
/// <see cref="StompListeners.SetListener"/>. Every member has an empty default, so a listener implements only
/// what it needs. The callbacks are driven by the client's streams, so they run where those streams deliver
/// (the read loop, or <see cref="StompClientOptions.DeliveryScheduler"/>); <see cref="OnSend"/> and
/// <see cref="OnDisconnecting"/> come from <see cref="StompClient.Sent"/>, on the sending caller's thread unless a
/// delivery scheduler is set; <see cref="OnBeforeSend"/> always runs on the sending thread, before the frame is
/// written. New code should prefer the streams themselves.
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

    /// <summary>
    /// Called for each frame about to be written (heart-beats excluded), CONNECT included, on the sending thread
    /// (possibly on several at once); returns the frame to write: the same one, or a changed copy, e.g. with a token
    /// or a trace id added (stomp.py's <c>on_send</c> changes the frame it is given). Listeners are applied in the
    /// order they were set, after <see cref="StompClientOptions.BeforeSend"/>. It may change headers and body, not the
    /// command nor the <c>receipt</c> header; one that throws (or breaks that rule) is reported on
    /// <see cref="StompClient.Errors"/>, and the frame goes on as it was before it.
    /// </summary>
    Frame OnBeforeSend(Frame frame) => frame;

    /// <summary>A frame is being sent (heart-beats excluded), as changed by every <see cref="OnBeforeSend"/>.</summary>
    void OnSend(Frame frame) { }

    /// <summary>A heart-beat arrived.</summary>
    void OnHeartbeat() { }

    /// <summary>The read loop of a connection has ended; comes right after <see cref="OnDisconnected"/>.</summary>
    void OnReceiverLoopCompleted() { }
}

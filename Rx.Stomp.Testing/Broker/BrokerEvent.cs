namespace Rx.Stomp.Broker;

/// <summary>What happened, for <see cref="StompBroker.Events"/>.</summary>
public enum BrokerEventKind
{
    /// <summary>A client's CONNECT was accepted and CONNECTED sent.</summary>
    Connected,

    /// <summary>A connection ended, for whatever reason (<see cref="BrokerEvent.Error"/> says which, if not a clean close).</summary>
    Disconnected,

    /// <summary>A SUBSCRIBE was accepted.</summary>
    Subscribed,

    /// <summary>A subscription ended: UNSUBSCRIBE, or the end of its connection.</summary>
    Unsubscribed,

    /// <summary>A delivered but unacknowledged queue message went back to its queue (NACK, UNSUBSCRIBE or a lost connection), to be redelivered.</summary>
    Requeued,

    /// <summary>The broker sent an ERROR frame (<see cref="BrokerEvent.Message"/>).</summary>
    ErrorSent,
}

/// <summary>
/// One event of <see cref="StompBroker.Events"/>. Events are published after the broker's state has changed, so
/// when one arrives, counts such as <see cref="StompBroker.ConnectionCount"/> already reflect it.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="SessionId">The connection's session id (the <c>session</c> header of its CONNECTED).</param>
/// <param name="Destination">The destination, for subscriptions and requeued messages.</param>
/// <param name="SubscriptionId">The subscription id, for subscriptions and requeued messages.</param>
/// <param name="MessageId">The message id, for requeued messages.</param>
/// <param name="Message">The ERROR's <c>message</c> header, or why a connection ended.</param>
/// <param name="Error">Why a connection ended, when it was not closed cleanly.</param>
public sealed record BrokerEvent(
    BrokerEventKind Kind,
    string SessionId,
    string? Destination = null,
    string? SubscriptionId = null,
    string? MessageId = null,
    string? Message = null,
    Exception? Error = null);

/// <summary>A snapshot of one queue.</summary>
/// <param name="Destination">The queue's destination, e.g. <c>/queue/orders</c>.</param>
/// <param name="Pending">Messages waiting for a consumer.</param>
/// <param name="Unacknowledged">Messages delivered to a consumer in a client ack mode and not acknowledged yet.</param>
/// <param name="Consumers">Subscriptions to the queue.</param>
public sealed record BrokerQueueInfo(string Destination, int Pending, int Unacknowledged, int Consumers);

using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>How <see cref="StompClient.Watch"/> subscribes.</summary>
public sealed record SubscribeOptions
{
    /// <summary>The ack mode; <see cref="AckMode.Auto"/> by default.</summary>
    public AckMode Ack { get; init; } = AckMode.Auto;

    /// <summary>The subscription id, or <see langword="null"/> for a unique one per <c>Subscribe()</c>.</summary>
    public string? Id { get; init; }

    /// <summary>Extra SUBSCRIBE headers: <c>durable</c>, <c>prefetch-count</c>, <c>selector</c>, <c>activemq.prefetchSize</c>…</summary>
    public StompHeaders Headers { get; init; } = StompHeaders.Empty;

    /// <summary>
    /// Builds extra headers anew for each SUBSCRIBE (first and after every reconnect); they come after
    /// <see cref="Headers"/>.
    /// </summary>
    public Func<StompHeaders>? HeadersFactory { get; init; }

    /// <summary>Ask for a RECEIPT for SUBSCRIBE, so that a refusal fails this watch rather than passing unseen. On by default.</summary>
    public bool Receipt { get; init; } = true;

    /// <summary>
    /// Extra headers of the UNSUBSCRIBE that disposing the watch sends, e.g. RabbitMQ's <c>durable:true</c>, which
    /// deletes a durable subscription's queue. (ActiveMQ refuses <c>activemq.subscriptionName</c> on the UNSUBSCRIBE of
    /// a subscription still in use: end the watch first, then remove it with
    /// <see cref="StompClient.UnsubscribeAsync"/>.)
    /// </summary>
    public StompHeaders UnsubscribeHeaders { get; init; } = StompHeaders.Empty;
}

using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>How <see cref="StompClient.Watch"/> subscribes.</summary>
public sealed record SubscribeOptions
{
    /// <summary>The ack mode; <see cref="AckMode.Auto"/> by default.</summary>
    public AckMode Ack { get; init; } = AckMode.Auto;

    /// <summary>
    /// The subscription id, or <see langword="null"/> for a unique one per <c>Subscribe()</c> (for a
    /// <see cref="Durable"/> watch, its name).
    /// </summary>
    public string? Id { get; init; }

    /// <summary>
    /// The prefetch window: the most messages the broker may have delivered on this subscription and not yet had
    /// acknowledged, at least 1; <see langword="null"/> (the default) leaves the broker's own. It means something with
    /// <see cref="AckMode.Client"/> and <see cref="AckMode.ClientIndividual"/>: a consumer that acknowledges each
    /// message once it is processed then holds at most this many, and the broker keeps the rest, so a slow consumer
    /// costs the client bounded memory. Sent as the connected broker spells it, worked out again on every connection:
    /// RabbitMQ's and the embedded broker's <c>prefetch-count</c>, ActiveMQ's <c>activemq.prefetchSize</c>; Artemis
    /// counts its window in bytes, so only 1 is sent there (as <c>consumer-window-size:0</c>), and a larger window is
    /// left to the broker (logged as a warning: set <c>consumer-window-size</c> in <see cref="Headers"/>). A broker not
    /// recognised gets RabbitMQ's spelling.
    /// </summary>
    public int? Prefetch { get; init; }

    /// <summary>
    /// Makes the subscription a durable one (of a topic): the broker keeps what is published for it while the client
    /// is away, and a watch with the same name gets it when it comes back, on this connection or a later one. The
    /// subscription id is the name (leave <see cref="Id"/> unset, or set it to the name). Disposing the watch only
    /// detaches; <see cref="StompClient.RemoveDurableSubscriptionAsync"/> removes the subscription. Sent as the
    /// connected broker spells it: RabbitMQ's and the embedded broker's <c>durable:true</c> and
    /// <c>auto-delete:false</c>, ActiveMQ's <c>activemq.subscriptionName</c>, Artemis's
    /// <c>durable-subscription-name</c>; the last two also need <see cref="StompClientOptions.ClientId"/>, else the
    /// watch fails with <see cref="InvalidOperationException"/>. A broker not recognised gets RabbitMQ's spelling.
    /// </summary>
    public DurableSubscription? Durable { get; init; }

    /// <summary>
    /// Extra SUBSCRIBE headers: <c>selector</c>, <c>x-queue-name</c>… A header named here is sent as given and
    /// replaces the one <see cref="Prefetch"/> or <see cref="Durable"/> would have put under that name.
    /// </summary>
    public StompHeaders Headers { get; init; } = StompHeaders.Empty;

    /// <summary>
    /// Builds extra headers anew for each SUBSCRIBE (first and after every reconnect); they come after
    /// <see cref="Headers"/>, and win over the typed options as those do.
    /// </summary>
    public Func<StompHeaders>? HeadersFactory { get; init; }

    /// <summary>Ask for a RECEIPT for SUBSCRIBE, so that a refusal fails this watch rather than passing unseen. On by default.</summary>
    public bool Receipt { get; init; } = true;

    /// <summary>
    /// Extra headers of the UNSUBSCRIBE that disposing the watch sends. Disposing a <see cref="Durable"/> watch keeps
    /// its subscription; <see cref="StompClient.RemoveDurableSubscriptionAsync"/> removes it.
    /// </summary>
    public StompHeaders UnsubscribeHeaders { get; init; } = StompHeaders.Empty;

    /// <summary>The subscription id of a watch with these options: <see cref="Id"/>, else the durable name, else <paramref name="fresh"/>'s.</summary>
    internal string IdOr(Func<string> fresh) => Id ?? Durable?.Name ?? fresh();

    /// <summary>Throws <see cref="ArgumentException"/> for options that cannot work, before anything is sent.</summary>
    internal SubscribeOptions Validate()
    {
        if (Prefetch is { } prefetch)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1, nameof(Prefetch));
        }

        if (Durable is { } durable)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(durable.Name, nameof(Durable));
            if (Id is not null && Id != durable.Name)
            {
                throw new ArgumentException(
                    $"A durable watch's subscription id is its name ('{durable.Name}'), not '{Id}': RabbitMQ keys the subscription by it.", nameof(Id));
            }
        }

        ArgumentNullException.ThrowIfNull(Headers, nameof(Headers));
        ArgumentNullException.ThrowIfNull(UnsubscribeHeaders, nameof(UnsubscribeHeaders));
        return this;
    }
}

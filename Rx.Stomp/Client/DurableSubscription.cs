namespace Rx.Stomp.Client;

/// <summary>
/// A durable topic subscription, for <see cref="SubscribeOptions.Durable"/>: the broker keeps what is published to the
/// topic for it while its client is away, and hands it over when a watch of the same name comes back, until
/// <see cref="StompClient.RemoveDurableSubscriptionAsync"/> removes it.
/// </summary>
/// <param name="Name">
/// The subscription's name on the broker, and the watch's subscription id (RabbitMQ knows a durable subscription by
/// its destination and id). ActiveMQ and Artemis know it by this name and <see cref="StompClientOptions.ClientId"/>.
/// </param>
public sealed record DurableSubscription(string Name);

namespace Rx.Stomp.Client;

/// <summary>Header names that are not the specification's but a broker's, for the options mapped onto them.</summary>
internal static class BrokerHeaderNames
{
    /// <summary>ActiveMQ's and Artemis's <c>client-id</c> (CONNECT): with a durable subscription's name, it identifies it.</summary>
    public const string ClientId = "client-id";

    /// <summary>RabbitMQ's prefetch window, in messages (SUBSCRIBE); the embedded broker's too.</summary>
    public const string PrefetchCount = "prefetch-count";

    /// <summary>ActiveMQ's prefetch window, in messages (SUBSCRIBE); Artemis reads it as bytes.</summary>
    public const string ActiveMqPrefetchSize = "activemq.prefetchSize";

    /// <summary>Artemis's flow-control window, in bytes (SUBSCRIBE); 0 is one message at a time.</summary>
    public const string ConsumerWindowSize = "consumer-window-size";

    /// <summary>RabbitMQ's (and the embedded broker's) durable flag: on SUBSCRIBE to keep, on UNSUBSCRIBE to remove.</summary>
    public const string Durable = "durable";

    /// <summary>RabbitMQ's older spelling of <see cref="Durable"/>, still read on UNSUBSCRIBE.</summary>
    public const string Persistent = "persistent";

    /// <summary>RabbitMQ's <c>auto-delete</c> (SUBSCRIBE): false keeps a durable subscription's queue once unused.</summary>
    public const string AutoDelete = "auto-delete";

    /// <summary>ActiveMQ's durable subscription name (SUBSCRIBE to make it, UNSUBSCRIBE to remove it).</summary>
    public const string ActiveMqSubscriptionName = "activemq.subscriptionName";

    /// <summary>Artemis's durable subscription name (SUBSCRIBE to make it, UNSUBSCRIBE to remove it).</summary>
    public const string DurableSubscriptionName = "durable-subscription-name";
}

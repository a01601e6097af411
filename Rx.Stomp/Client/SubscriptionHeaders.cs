using System.Globalization;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// <see cref="SubscribeOptions.Prefetch"/> and <see cref="SubscribeOptions.Durable"/> as the connected broker spells
/// them, and the frames that remove a durable subscription there. Worked out for each connection from the
/// <see cref="BrokerDialect"/> its <c>server</c> header names: a failover list may lead to another kind of broker.
/// </summary>
internal static class SubscriptionHeaders
{
    /// <summary>
    /// The SUBSCRIBE headers that carry <paramref name="options"/> to the broker whose CONNECTED said
    /// <c>server:<paramref name="server"/></c>, but those that <paramref name="explicitHeaders"/> (the caller's own)
    /// name already: the caller's win.
    /// </summary>
    /// <exception cref="InvalidOperationException">A durable subscription on ActiveMQ or Artemis without a client id to keep it under.</exception>
    public static StompHeaders ForSubscribe(string? server, string id, SubscribeOptions options, string? clientId, StompHeaders explicitHeaders, ILogger log)
    {
        var dialect = BrokerDialects.FromServer(server);
        var mapped = new List<KeyValuePair<string, string>>(3);
        if (options.Prefetch is { } prefetch)
        {
            var count = prefetch.ToString(CultureInfo.InvariantCulture);
            switch (dialect)
            {
                case BrokerDialect.ActiveMq:
                    mapped.Add(new(BrokerHeaderNames.ActiveMqPrefetchSize, count));
                    break;
                case BrokerDialect.Artemis when prefetch == 1:
                    // Artemis's window is in bytes; 0 is its "one message until it is acknowledged".
                    mapped.Add(new(BrokerHeaderNames.ConsumerWindowSize, "0"));
                    break;
                case BrokerDialect.Artemis:
                    Log.PrefetchNotMapped(log, prefetch, id, server);
                    break;
                default:
                    mapped.Add(new(BrokerHeaderNames.PrefetchCount, count));
                    break;
            }
        }

        if (options.Durable is { } durable)
        {
            switch (dialect)
            {
                case BrokerDialect.ActiveMq or BrokerDialect.Artemis when clientId is null:
                    throw new InvalidOperationException(
                        $"The durable subscription '{durable.Name}' needs a client id on {server}: set StompClientOptions.ClientId (the same on every run).");
                case BrokerDialect.ActiveMq:
                    mapped.Add(new(BrokerHeaderNames.ActiveMqSubscriptionName, durable.Name));
                    break;
                case BrokerDialect.Artemis:
                    mapped.Add(new(BrokerHeaderNames.DurableSubscriptionName, durable.Name));
                    break;
                default:
                    // RabbitMQ keys the subscription's queue by destination and id, which is the name (see Watches).
                    mapped.Add(new(BrokerHeaderNames.Durable, "true"));
                    mapped.Add(new(BrokerHeaderNames.AutoDelete, "false"));
                    break;
            }
        }

        return mapped.Count == 0 ? StompHeaders.Empty : StompHeaders.Create(mapped.Where(h => !explicitHeaders.Contains(h.Key)));
    }

    /// <summary>
    /// What removes the durable subscription <paramref name="name"/> from the broker whose CONNECTED said
    /// <c>server:<paramref name="server"/></c>: the headers of the UNSUBSCRIBE (with <c>id</c> = the name), and where
    /// the broker removes only a subscription of the connection that asks (RabbitMQ, and any broker not recognised),
    /// those of a SUBSCRIBE that attaches it first, with a window of one message so that little of what is being
    /// dropped is delivered meanwhile.
    /// </summary>
    public static (StompHeaders? Attach, StompHeaders Remove) ForRemoval(string? server, string name) => BrokerDialects.FromServer(server) switch
    {
        BrokerDialect.ActiveMq => (null, StompHeaders.Create((BrokerHeaderNames.ActiveMqSubscriptionName, name))),
        BrokerDialect.Artemis => (null, StompHeaders.Create((BrokerHeaderNames.DurableSubscriptionName, name))),
        BrokerDialect.Embedded => (null, StompHeaders.Create((BrokerHeaderNames.Durable, "true"))),
        _ => (StompHeaders.Create(
                (StompHeaderNames.Ack, AckMode.Client.ToWire()), (BrokerHeaderNames.PrefetchCount, "1"),
                (BrokerHeaderNames.Durable, "true"), (BrokerHeaderNames.AutoDelete, "false")),
            StompHeaders.Create((BrokerHeaderNames.Durable, "true"), (BrokerHeaderNames.Persistent, "true"))),
    };

    /// <summary>The <c>client-id</c> CONNECT carries (see <see cref="Handshake.BuildConnectFrame"/>), under which ActiveMQ and Artemis keep a durable subscription.</summary>
    public static string? ClientId(StompClientOptions options) => options.ConnectHeaders[BrokerHeaderNames.ClientId] ?? options.ClientId;
}

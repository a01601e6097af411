namespace Rx.Stomp.Client;

/// <summary>
/// The kind of broker a connection reached, read from the <c>server</c> header of its CONNECTED: it decides how the
/// typed subscription options are spelled on that connection (<see cref="SubscriptionHeaders"/>).
/// </summary>
internal enum BrokerDialect
{
    /// <summary>No <c>server</c> header, or one not recognised: RabbitMQ's spelling, the one the embedded broker reads too.</summary>
    Other,

    /// <summary><c>RabbitMQ/…</c>.</summary>
    RabbitMq,

    /// <summary><c>ActiveMQ/…</c>: ActiveMQ Classic.</summary>
    ActiveMq,

    /// <summary><c>ActiveMQ-Artemis/…</c>.</summary>
    Artemis,

    /// <summary><c>Rx.Stomp.Broker/…</c>: the embedded broker of Rx.Stomp.Testing.</summary>
    Embedded,
}

/// <summary>Recognises a <see cref="BrokerDialect"/>.</summary>
internal static class BrokerDialects
{
    /// <summary>The dialect of a broker whose CONNECTED said <c>server:<paramref name="server"/></c>.</summary>
    public static BrokerDialect FromServer(string? server) =>
        server is null ? BrokerDialect.Other
        : Names(server, "RabbitMQ/") ? BrokerDialect.RabbitMq
        : Names(server, "ActiveMQ-Artemis/") ? BrokerDialect.Artemis
        : Names(server, "ActiveMQ/") ? BrokerDialect.ActiveMq
        : Names(server, "Rx.Stomp.Broker/") ? BrokerDialect.Embedded
        : BrokerDialect.Other;

    private static bool Names(string server, string product) => server.StartsWith(product, StringComparison.OrdinalIgnoreCase);
}

namespace Rx.Stomp.Diagnostics;

/// <summary>
/// Counts of what happened on a client (stomp.py's <c>StatsListener</c>), from the moment the statistics were
/// subscribed. Heart-beats are counted apart from messages.
/// </summary>
/// <param name="Connections">Connections opened (CONNECTED received), reconnections included.</param>
/// <param name="Disconnects">Open connections that ended, lost or closed on purpose.</param>
/// <param name="Errors">ERROR frames received.</param>
/// <param name="MessagesReceived">MESSAGE frames received.</param>
/// <param name="MessagesSent">SEND frames sent.</param>
/// <param name="HeartbeatsReceived">Heart-beats received.</param>
/// <param name="HeartbeatTimeouts">Connections dropped because the broker fell silent.</param>
public sealed record StompStatistics(
    long Connections = 0,
    long Disconnects = 0,
    long Errors = 0,
    long MessagesReceived = 0,
    long MessagesSent = 0,
    long HeartbeatsReceived = 0,
    long HeartbeatTimeouts = 0)
{
    /// <summary>Nothing counted yet.</summary>
    public static StompStatistics Zero { get; } = new();

    /// <summary>These counts with one more <paramref name="kind"/>.</summary>
    public StompStatistics With(StatisticKind kind) => kind switch
    {
        StatisticKind.Connection => this with { Connections = Connections + 1 },
        StatisticKind.Disconnect => this with { Disconnects = Disconnects + 1 },
        StatisticKind.Error => this with { Errors = Errors + 1 },
        StatisticKind.MessageReceived => this with { MessagesReceived = MessagesReceived + 1 },
        StatisticKind.MessageSent => this with { MessagesSent = MessagesSent + 1 },
        StatisticKind.HeartbeatReceived => this with { HeartbeatsReceived = HeartbeatsReceived + 1 },
        StatisticKind.HeartbeatTimeout => this with { HeartbeatTimeouts = HeartbeatTimeouts + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a statistic."),
    };

    /// <inheritdoc />
    public override string ToString() =>
        $"Connections: {Connections}, Disconnects: {Disconnects}, Messages sent: {MessagesSent}, Messages received: {MessagesReceived}, Heartbeats received: {HeartbeatsReceived}, Heartbeat timeouts: {HeartbeatTimeouts}, Errors: {Errors}";
}

/// <summary>What one event of <see cref="StompClientStatistics.StatisticEvents"/> counts as.</summary>
public enum StatisticKind
{
    /// <summary>A connection was opened.</summary>
    Connection,

    /// <summary>An open connection ended.</summary>
    Disconnect,

    /// <summary>An ERROR frame arrived.</summary>
    Error,

    /// <summary>A MESSAGE arrived.</summary>
    MessageReceived,

    /// <summary>A SEND went out.</summary>
    MessageSent,

    /// <summary>A heart-beat arrived.</summary>
    HeartbeatReceived,

    /// <summary>The heart-beat deadline passed.</summary>
    HeartbeatTimeout,
}

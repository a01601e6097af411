using System.Diagnostics.Metrics;
using Rx.Stomp.Client;

namespace Rx.Stomp.Diagnostics;

/// <summary>
/// The statistics of clients as <see cref="System.Diagnostics.Metrics"/> counters on the meter <c>Rx.Stomp</c>
/// (for OpenTelemetry, <c>dotnet-counters</c>…): <c>rxstomp.connections</c>, <c>rxstomp.disconnects</c>,
/// <c>rxstomp.errors</c>, <c>rxstomp.messages.received</c>, <c>rxstomp.messages.sent</c>,
/// <c>rxstomp.heartbeats.received</c>, <c>rxstomp.heartbeat_timeouts</c>, each tagged with the client's name.
/// </summary>
public static class StompMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Rx.Stomp";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Dictionary<StatisticKind, Counter<long>> Counters = new()
    {
        [StatisticKind.Connection] = Meter.CreateCounter<long>("rxstomp.connections", "{connection}", "STOMP connections opened"),
        [StatisticKind.Disconnect] = Meter.CreateCounter<long>("rxstomp.disconnects", "{connection}", "Open STOMP connections that ended"),
        [StatisticKind.Error] = Meter.CreateCounter<long>("rxstomp.errors", "{frame}", "ERROR frames received"),
        [StatisticKind.MessageReceived] = Meter.CreateCounter<long>("rxstomp.messages.received", "{message}", "MESSAGE frames received"),
        [StatisticKind.MessageSent] = Meter.CreateCounter<long>("rxstomp.messages.sent", "{message}", "SEND frames sent"),
        [StatisticKind.HeartbeatReceived] = Meter.CreateCounter<long>("rxstomp.heartbeats.received", "{heartbeat}", "Heart-beats received"),
        [StatisticKind.HeartbeatTimeout] = Meter.CreateCounter<long>("rxstomp.heartbeat_timeouts", "{timeout}", "Connections dropped for a missed heart-beat"),
    };

    /// <summary>Counts <paramref name="client"/>'s events on the meter until the result is disposed.</summary>
    /// <param name="client">The client to count.</param>
    /// <param name="name">The value of the <c>client</c> tag, telling clients apart.</param>
    public static IDisposable RecordMetrics(this StompClient client, string name = "default")
    {
        ArgumentNullException.ThrowIfNull(name);
        var tag = new KeyValuePair<string, object?>("client", name);
        return client.StatisticEvents().Subscribe(kind => Counters[kind].Add(1, tag));
    }
}

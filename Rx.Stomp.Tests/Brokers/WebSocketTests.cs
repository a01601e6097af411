using Rx.Stomp.Client;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// What WebSocket adds against RabbitMQ Web-STOMP, over ws and wss (the core scenarios run over both in the
/// broker suite): heart-beats both ways, and reconnection.
/// </summary>
[TestFixtureSource(nameof(WebSocketBrokers))]
public sealed class WebSocketTests(Broker broker) : BrokerTest(broker)
{
    public static IEnumerable<TestFixtureData> WebSocketBrokers() =>
        new[] { Broker.RabbitMqWebSocket, Broker.RabbitMqSecureWebSocket }.Select(b => b.Fixture(b).SetArgDisplayNames(b.ToString()));

    [Test]
    public async Task Heartbeats_flow_both_ways_and_keep_an_idle_connection_open()
    {
        var client = await ConnectAsync(o => o with { Heartbeat = new HeartbeatIntervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)) });
        var errors = Record(client.Errors);
        var beats = Record(client.Heartbeats);

        await beats.TakeAsync(3, Timeout);

        // Idle but for the beats: still the same connection, and it still works.
        var queue = NewQueue("ws-heartbeat");
        var messages = Record(client.Watch(queue));
        await Within(client.SendAsync(queue, "after the beats", WithReceipt), "the RECEIPT of SEND");
        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "after the beats" }));
        Assert.That(errors.Items, Is.Empty);
    }

    [Test]
    public async Task A_dropped_WebSocket_is_reopened_and_the_watch_subscribed_again()
    {
        await using var proxy = new FaultProxy(Broker.Endpoint with { Kind = StompTransportKind.Tcp });
        var endpoint = Broker.Endpoint with { Host = proxy.Endpoint.Host, Port = proxy.Endpoint.Port };
        var client = await ConnectAsync(o => o with
        {
            Endpoints = [endpoint],
            // The proxy's address is 127.0.0.1, which the test certificate names.
            Reconnect = o.Reconnect with { InitialDelay = TimeSpan.FromMilliseconds(50) },
        });
        var queue = NewQueue("ws-reconnect");
        var messages = Record(client.Watch(queue, new SubscribeOptions { Receipt = true }));
        await Within(client.SendAsync(queue, "before", WithReceipt), "the RECEIPT of the first SEND");
        await messages.TakeAsync(1, Timeout);
        var reconnected = Record(client.State);

        proxy.DropConnections();
        await reconnected.FirstAsync(s => s.Kind == ConnectionStateKind.Reconnecting, Timeout);
        await reconnected.FirstAsync(s => s.Kind == ConnectionStateKind.Connected, Timeout);
        await Within(client.SendAsync(queue, "after", WithReceipt), "the RECEIPT of the SEND after reconnecting");

        Assert.That(Bodies(await messages.TakeAsync(2, Timeout)), Is.EqualTo(new[] { "before", "after" }));
    }
}

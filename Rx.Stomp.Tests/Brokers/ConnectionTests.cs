using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>Connecting with each version, disconnecting, and what happens after.</summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.BrokersVersionsAndTransports))]
public sealed class ConnectionTests(Broker broker, StompVersion version) : BrokerTest(broker, version)
{
    [Test]
    public async Task Connect_negotiates_the_pinned_version_and_State_reports_it()
    {
        var client = NewClient();
        var states = Record(client.State);

        await Within(client.ConnectAsync(), "CONNECTED");

        Assert.Multiple(() =>
        {
            Assert.That(client.IsConnected, Is.True);
            Assert.That(client.Version, Is.EqualTo(version));
            var state = client.CurrentState;
            Assert.That(state.Kind, Is.EqualTo(ConnectionStateKind.Connected));
            Assert.That(state.Version, Is.EqualTo(version));
            Assert.That(state.Endpoint, Is.EqualTo(Broker.Endpoint));
            Assert.That(state.Server, Does.StartWith(Broker.ServerPrefix), "the server header of CONNECTED");
            Assert.That(state.Session, Is.Not.Null.And.Not.Empty, "the session header of CONNECTED");
            Assert.That(states.Items.Select(s => s.Kind),
                Is.EqualTo(new[] { ConnectionStateKind.Disconnected, ConnectionStateKind.Connecting, ConnectionStateKind.Connected }));
        });
    }

    [Test]
    public async Task Disconnect_gets_its_receipt_promptly_and_State_goes_to_Disconnected()
    {
        // The client's clock is virtual and never moved: DisconnectTimeout cannot end the wait, only the broker can.
        var client = await ConnectAsync(o => o with { Scheduler = new TestScheduler() });
        var receipts = Record(client.Receipts);
        var states = Record(client.State);

        await Within(client.DisconnectAsync(), "DisconnectAsync");

        // The RECEIPT ended the wait: the broker answered the DISCONNECT. RabbitMQ's Web-STOMP closes the WebSocket
        // instead of answering: the close ends the wait just as well.
        var answers = Broker.IsRabbitMq && Broker.Endpoint.Kind.IsWebSocket() ? 0 : 1;
        Assert.Multiple(() =>
        {
            Assert.That(receipts.Items, Has.Count.EqualTo(answers), "the RECEIPT of DISCONNECT");
            Assert.That(client.IsConnected, Is.False);
            Assert.That(client.Version, Is.Null);
            Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
            Assert.That(states.Items[^1].Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
        });
    }

    [Test]
    public async Task Disconnect_with_a_chosen_receipt_id_and_headers_gets_the_RECEIPT_of_that_id()
    {
        // A virtual clock nobody moves, as above: only the broker's answer can end the wait.
        var client = await ConnectAsync(o => o with { Scheduler = new TestScheduler() });
        var receipts = Record(client.Receipts);
        var id = "bye-" + Guid.NewGuid().ToString("N");

        await Within(client.DisconnectAsync(new DisconnectOptions { ReceiptId = id, Headers = [new("x-reason", "done")] }), "DisconnectAsync");

        // RabbitMQ's Web-STOMP closes the WebSocket instead of answering (see above): the close ends the wait as well.
        var answered = Broker.IsRabbitMq && Broker.Endpoint.Kind.IsWebSocket() ? Array.Empty<string>() : [id];
        Assert.Multiple(() =>
        {
            Assert.That(receipts.Items.Select(r => r.Id), Is.EqualTo(answered));
            Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
        });
    }

    [Test]
    public async Task SendAsync_after_disconnect_throws_StompConnectionException()
    {
        var client = await ConnectAsync();
        await Within(client.DisconnectAsync(), "DisconnectAsync");

        Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync(NewQueue("after-disconnect"), "too late"));
        Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync(NewQueue("after-disconnect"), "too late", WithReceipt));
    }

    [Test]
    public async Task A_client_reconnects_after_DisconnectAsync()
    {
        var client = await ConnectAsync();
        await Within(client.DisconnectAsync(), "DisconnectAsync");

        await Within(client.ConnectAsync(), "the second CONNECTED");
        var queue = NewQueue("reconnect");
        var messages = Record(client.Watch(queue));
        await Within(client.SendAsync(queue, "again", WithReceipt), "the RECEIPT of a SEND on the new connection");

        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "again" }));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
        Assert.That(client.Version, Is.EqualTo(version));
    }
}

using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// How a connection's end reaches what waits on it: a connect ends at once when the broker closes before CONNECTED or
/// answers with a CONNECTED it cannot read, not at <see cref="StompClientOptions.ConnectTimeout"/>; a RECEIPT awaited
/// when this side closes fails saying so. The client's clock is virtual and never moved: only the end can settle them.
/// </summary>
public class ConnectionEndTests
{
    private static StompClientOptions Options(VirtualBroker broker) => broker.Options with
    {
        ConnectTimeout = TimeSpan.FromHours(1),
        ReceiptTimeout = TimeSpan.FromHours(1),
        DisconnectTimeout = TimeSpan.FromHours(1),
    };

    /// <summary>A client's connect under way, and the broker's side of it once CONNECT came.</summary>
    private static async Task<(Task Connecting, ScriptedConnection Connection)> ConnectingAsync(VirtualBroker broker)
    {
        var connecting = broker.Client(_ => Options(broker)).ConnectAsync();
        var connection = await broker.Transport.AcceptAsync();
        await connection.ExpectAsync(StompCommand.Connect);
        return (connecting, connection);
    }

    [Test]
    public async Task A_broker_closing_before_CONNECTED_fails_the_connect_at_once_saying_so()
    {
        await using var broker = new VirtualBroker();
        var (connecting, connection) = await ConnectingAsync(broker);

        connection.Close();

        var refused = Assert.ThrowsAsync<StompConnectionException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.Message, Is.EqualTo($"The broker at {connection.Endpoint} closed the connection."));
    }

    [Test]
    public async Task A_CONNECT_refused_with_an_ERROR_fails_the_connect_at_once_even_when_the_broker_keeps_the_connection_open()
    {
        await using var broker = new VirtualBroker();
        var (connecting, connection) = await ConnectingAsync(broker);

        await connection.SendErrorAsync("Bad CONNECT");

        var refused = Assert.ThrowsAsync<StompErrorException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.Message, Does.Contain("Bad CONNECT"));
    }

    [Test]
    public async Task A_CONNECTED_whose_heart_beat_header_cannot_be_read_fails_the_connect_at_once_as_a_protocol_error()
    {
        await using var broker = new VirtualBroker();
        var (connecting, connection) = await ConnectingAsync(broker);

        await connection.SendAsync(new Frame(StompCommand.Connected, StompHeaders.Create(("version", "1.2"), ("heart-beat", "often"))));

        var refused = Assert.ThrowsAsync(Is.InstanceOf<StompException>(), () => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.ToString(), Does.Contain("The server's heart-beat header 'often' is not two non-negative integers."));
    }

    [Test]
    public async Task A_lost_connections_heart_beat_watch_ends_with_it_and_reports_no_timeout_afterwards()
    {
        await using var broker = new VirtualBroker();
        // The broker promised a beat every second; the client allows a few seconds of silence before it gives up.
        var (client, connection) = await broker.ConnectAsync(_ => Options(broker) with { Heartbeat = new(TimeSpan.Zero, TimeSpan.FromSeconds(1)) }, heartbeat: "1000,0");
        var timeouts = 0;
        using var counting = client.Errors.Where(e => e.Kind == StompErrorKind.HeartbeatTimeout).Subscribe(_ => Interlocked.Increment(ref timeouts));
        broker.Transport.RefuseConnections = true;
        var lost = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);

        connection.Close();
        await lost;
        // Ten times the allowed silence, in steps of the sampling tick, with no connection to watch.
        for (var step = 0; step < 100; step++)
        {
            broker.Clock.AdvanceBy(TimeSpan.FromMilliseconds(100));
        }

        Assert.That(Volatile.Read(ref timeouts), Is.Zero, "a timeout for a connection that had ended already");
    }

    [Test]
    public async Task A_RECEIPT_awaited_when_this_side_closes_fails_saying_the_connection_was_closed_before_it()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync(_ => Options(broker));
        var sending = client.SendAsync("/queue/end", "unanswered", new SendOptions { Receipt = true });
        await connection.ExpectAsync(StompCommand.Send);

        // The DISCONNECT's RECEIPT comes (the scripted broker answers it), the SEND's never does.
        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        var failed = Assert.ThrowsAsync<StompConnectionException>(() => sending.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(failed!.Message, Is.EqualTo("The connection was closed before the RECEIPT."));
    }

    [Test]
    public async Task After_DISCONNECT_a_broker_that_resets_instead_of_closing_ends_the_connection_as_closed_not_lost()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync(_ => Options(broker));
        connection.AnswersDisconnect = false;
        var sending = client.SendAsync("/queue/end", "unanswered", new SendOptions { Receipt = true });
        await connection.ExpectAsync(StompCommand.Send);

        var disconnecting = client.DisconnectAsync();
        await connection.ExpectAsync(StompCommand.Disconnect);
        connection.Abort();
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);

        var failed = Assert.ThrowsAsync<StompConnectionException>(() => sending.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(failed!.Message, Is.EqualTo("The connection was closed before the RECEIPT."), "this side asked for the end");
    }
}

using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// Disposing the client in any state — connecting, waiting to reconnect, reconnecting, waiting for the DISCONNECT
/// receipt, stuck in a send the peer does not read — completes within the guard, closes the connection (the peer reads
/// its end), and ends every stream and every watch with OnCompleted or OnError. The client's own deadlines run on a
/// virtual clock over the in-memory transport; the stuck send needs a real socket whose buffers fill.
/// </summary>
public class DisposalTests
{
    /// <summary>Long enough that no timeout of the client's own ends the state the test disposes in.</summary>
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(10);

    private static StompClientOptions Options(RawPeer peer) => new()
    {
        Endpoints = [peer.Endpoint],
        ConnectTimeout = Never,
        ConnectRetry = new BackoffPolicy { MaxAttempts = 1 },
        ReceiptTimeout = Never,
        DisconnectTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>Watches every stream of <paramref name="client"/> and one watch for their end (completion or error).</summary>
    private static IReadOnlyList<(string Name, Task End)> Ends(StompClient client) =>
    [
        ("Frames", End(client.Frames)),
        ("Messages", End(client.Messages)),
        ("Receipts", End(client.Receipts)),
        ("Errors", End(client.Errors)),
        ("Heartbeats", End(client.Heartbeats)),
        ("State", End(client.State)),
        ("a watch", End(client.Watch("/queue/disposal", new SubscribeOptions { Receipt = false }))),
    ];

    private static Task<System.Reactive.Notification<T>> End<T>(IObservable<T> stream) =>
        stream.IgnoreElements().Materialize().FirstAsync().ToTask();

    private static async Task AssertAllEnded(IReadOnlyList<(string Name, Task End)> ends)
    {
        foreach (var (name, end) in ends)
        {
            Assert.That(async () => await end.WaitAsync(StreamWaits.DefaultTimeout), Throws.Nothing, $"{name} neither completed nor failed");
        }
    }

    /// <summary>Reads what the client still sends until the socket closes: returns once the peer sees the end.</summary>
    private static async Task AssertPeerSeesClose(RawPeer peer)
    {
        while (await peer.ReadAnyAsync().WaitAsync(StreamWaits.DefaultTimeout) is not null)
        {
        }
    }

    /// <summary>The same, for a client of the in-memory transport on a virtual clock.</summary>
    private static StompClientOptions Options(VirtualBroker broker) => broker.Options with
    {
        ConnectTimeout = Never,
        ReceiptTimeout = Never,
        DisconnectTimeout = TimeSpan.FromSeconds(1),
    };

    [Test]
    public async Task Disposing_while_connecting_ends_the_connect_the_connection_and_every_stream()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(_ => Options(broker));
        var ends = Ends(client);
        var connecting = client.ConnectAsync();
        var connection = await broker.Transport.AcceptAsync();
        await connection.ExpectAsync(StompCommand.Connect);

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(async () => await connecting.WaitAsync(StreamWaits.DefaultTimeout), Throws.InstanceOf<StompConnectionException>());
        await connection.ClientClosed.WaitAsync(StreamWaits.DefaultTimeout);
        await AssertAllEnded(ends);
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disposed));
    }

    [Test]
    public async Task Disposing_while_waiting_to_reconnect_completes_every_stream_and_every_watch_fails_the_queued_sends_and_the_state_ends_Disposed()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(_ => Options(broker));
        var ends = Ends(client);
        var watchEnded = client.Watch("/queue/a").Materialize().WhenAsync(n => n.Kind != System.Reactive.NotificationKind.OnNext);
        var stateEnded = client.State.LastAsync().ToTask();
        var connection = await broker.Transport.ConnectClientAsync(client);
        // Refused at once, the next attempt waits for a clock that never moves.
        var waiting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting && s.Attempt == 2);
        broker.Transport.RefuseConnections = true;
        connection.Abort();
        await waiting;
        var queued = client.SendAsync("/queue/a", "queued");

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        await AssertAllEnded(ends);
        Assert.That(async () => await queued.WaitAsync(StreamWaits.DefaultTimeout),
            Throws.InstanceOf<StompConnectionException>().With.Message.Contains("disconnected before the frame could be sent"), "a send waiting for a connection that will never come");
        Assert.That((await watchEnded).Kind, Is.EqualTo(System.Reactive.NotificationKind.OnCompleted), "disposed, not failed");
        Assert.That((await stateEnded.WaitAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(ConnectionStateKind.Disposed));
    }

    [Test]
    public async Task Disposing_while_a_reconnect_waits_for_CONNECTED_closes_that_connection_and_ends_every_stream()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(_ => Options(broker));
        var ends = Ends(client);
        var first = await broker.Transport.ConnectClientAsync(client);
        first.Abort();
        var second = await broker.Transport.AcceptAsync();
        await second.ExpectAsync(StompCommand.Connect);

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        await second.ClientClosed.WaitAsync(StreamWaits.DefaultTimeout);
        await AssertAllEnded(ends);
    }

    [Test]
    public async Task Disposing_waits_for_the_DISCONNECT_receipt_until_DisconnectTimeout_on_the_clients_clock_and_not_a_tick_less()
    {
        await using var broker = new VirtualBroker();
        // The wall-clock ceiling of DisposeAsync is DisconnectTimeout too: an hour, so that only the virtual one can end it here.
        var client = broker.Client(_ => Options(broker) with { DisconnectTimeout = TimeSpan.FromHours(1) });
        var ends = Ends(client);
        var connection = await broker.Transport.ConnectClientAsync(client);
        connection.AnswersDisconnect = false;
        await connection.ExpectAsync(StompCommand.Subscribe);

        var disposing = client.DisposeAsync().AsTask();
        await connection.ExpectAsync(StompCommand.Disconnect);
        await broker.Clock.WhenScheduledAsync(TimeSpan.FromHours(1));
        broker.Clock.AdvanceTo(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        Assert.That(disposing.IsCompleted, Is.False, "gave up on the RECEIPT before DisconnectTimeout");
        broker.Clock.AdvanceTo(TimeSpan.FromHours(1));

        await disposing.WaitAsync(StreamWaits.DefaultTimeout);
        await connection.ClientClosed.WaitAsync(StreamWaits.DefaultTimeout);
        await AssertAllEnded(ends);
    }

    [Test]
    public async Task Disposing_while_a_disconnect_waits_for_its_RECEIPT_ends_at_the_wall_clock_ceiling_and_logs_why()
    {
        using var logs = new CapturingLoggerFactory();
        await using var broker = new VirtualBroker();
        // The disconnect waits for its RECEIPT on the virtual clock, which the test never moves, and holds the turn a
        // dispose needs: only the dispose's own ceiling, DisconnectTimeout on the wall clock (the subject here), ends it.
        var client = broker.Client(_ => Options(broker) with { DisconnectTimeout = TimeSpan.FromMilliseconds(200), LoggerFactory = logs });
        var ends = Ends(client);
        var connection = await broker.Transport.ConnectClientAsync(client);
        connection.AnswersDisconnect = false;
        await connection.ExpectAsync(StompCommand.Subscribe);
        _ = client.DisconnectAsync();
        await connection.ExpectAsync(StompCommand.Disconnect);

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        await AssertAllEnded(ends);
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disposed));
        Assert.That(logs.Text, Does.Contain("Debug Disconnect on dispose: "));
    }

    [Test]
    public async Task Disposing_during_sends_the_peer_does_not_read_ends_them_the_socket_and_every_stream()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer));
        var ends = Ends(client);
        await peer.ConnectAsync(client);

        // The peer reads nothing more: socket buffers and the outbound pipe fill, and a send waits for room.
        var body = new byte[4 * 1024 * 1024];
        var sends = new List<Task>();
        for (var i = 0; i < 64 && sends.TrueForAll(s => s.IsCompleted); i++)
        {
            sends.Add(client.SendAsync("/queue/stuck", body));
        }

        Assert.That(sends.Exists(s => !s.IsCompleted), "a send waits for the peer to read");

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        foreach (var send in sends)
        {
            // Sent before the end, or failed with a typed error: never left hanging.
            Assert.That(async () => { try { await send.WaitAsync(StreamWaits.DefaultTimeout); } catch (StompException) { } }, Throws.Nothing);
        }

        await AssertPeerSeesClose(peer);
        await AssertAllEnded(ends);
    }
}

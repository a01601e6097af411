using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Testing;

/// <summary>The kit's in-memory transport and its scripted broker side, with clients on a virtual clock.</summary>
public class InMemoryTransportTests
{
    private static readonly BackoffPolicy Once = BackoffPolicy.Connect with { MaxAttempts = 1 };

    private static StompClient Client(InMemoryTransport broker, TestScheduler clock, HeartbeatIntervals? heartbeat = null) => new(new StompClientOptions
    {
        Transport = broker,
        Scheduler = clock,
        ConnectRetry = Once,
        Heartbeat = heartbeat ?? HeartbeatIntervals.None,
    });

    [Test]
    public async Task The_script_reads_what_the_client_writes_and_the_client_receives_what_the_script_writes()
    {
        await using var broker = new InMemoryTransport();
        await using var client = Client(broker, new TestScheduler());
        var connecting = client.ConnectAsync();
        var connection = await broker.AcceptAsync();
        var connect = await connection.AnswerConnectAsync(version: StompVersion.V11);
        await connecting;

        var received = client.Watch("/queue/a").TakeAsync(2);
        var subscribe = await connection.ExpectAsync(StompCommand.Subscribe);
        await connection.SendReceiptAsync(subscribe);
        await connection.SendMessageAsync(subscribe, "one");
        await connection.SendMessageAsync(subscribe, "two", StompHeaders.Create(("colour", "blue")));

        var messages = await received;
        Assert.That(connect.Headers["accept-version"], Does.Contain("1.1"));
        Assert.That(client.CurrentState.Version, Is.EqualTo(StompVersion.V11));
        Assert.That(connection.Version, Is.EqualTo(StompVersion.V11));
        Assert.That(messages.Select(m => m.GetBodyText()), Is.EqualTo(new[] { "one", "two" }));
        Assert.That(messages.Select(m => m.MessageId), Is.EqualTo(new[] { "m-1", "m-2" }));
        Assert.That(messages[1].Headers["colour"], Is.EqualTo("blue"));
    }

    [Test]
    public async Task Heartbeats_written_by_the_script_keep_a_client_on_virtual_time_connected()
    {
        var clock = new TestScheduler();
        await using var broker = new InMemoryTransport();
        await using var client = Client(broker, clock, new HeartbeatIntervals(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        var connection = await broker.ConnectClientAsync(client, heartbeat: "1000,0");

        // A beat every half second of virtual time, each delivered (and so counted) before the clock moves on.
        for (var beat = 0; beat < 10; beat++)
        {
            var received = client.Heartbeats.WhenAsync(_ => true);
            await connection.SendHeartbeatAsync();
            await received;
            clock.AdvanceBy(TimeSpan.FromSeconds(0.5).Ticks);
        }

        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
        Assert.That(broker.ConnectionCount, Is.EqualTo(1), "never reconnected");
    }

    [Test]
    public async Task The_script_knows_when_the_client_has_delivered_all_it_was_sent()
    {
        await using var broker = new InMemoryTransport();
        await using var client = Client(broker, new TestScheduler());
        var connection = await broker.ConnectClientAsync(client);
        using var gate = new ManualResetEventSlim();
        using var held = client.Watch("/queue/a", new SubscribeOptions { Receipt = false }).Subscribe(_ => gate.Wait(StreamWaits.DefaultTimeout));
        var subscribe = await connection.ExpectAsync(StompCommand.Subscribe);
        await connection.ClientCaughtUpAsync();

        await connection.SendMessageAsync(subscribe, "held");

        Assert.That(() => connection.ClientCaughtUpAsync(TimeSpan.FromMilliseconds(200)), Throws.InstanceOf<TimeoutException>(), "not while an observer holds the message");
        gate.Set();
        await connection.ClientCaughtUpAsync();
    }

    [Test]
    public async Task Garbage_from_the_script_is_a_protocol_error_and_the_client_reconnects()
    {
        await using var broker = new InMemoryTransport();
        await using var client = Client(broker, new TestScheduler());
        var first = await broker.ConnectClientAsync(client);
        var error = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Protocol);

        await first.SendRawAsync("NONSENSE\n\n\0");

        Assert.That((await error).Exception, Is.InstanceOf<StompProtocolException>());
        await broker.AcceptAndConnectAsync();
        await client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        Assert.That(await first.ReadFrameAsync(), Is.Null, "the client closed the connection it could not read");
    }

    [Test]
    public async Task Abort_is_a_connection_error_for_the_client_and_Close_an_orderly_end()
    {
        await using var broker = new InMemoryTransport();
        await using var client = Client(broker, new TestScheduler());
        var first = await broker.ConnectClientAsync(client);

        var reset = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        first.Abort();
        Assert.That((await reset).Error?.ToString(), Does.Contain("reset by the scripted broker"));
        await first.ClientClosed.WaitAsync(StreamWaits.DefaultTimeout);

        var second = await broker.AcceptAndConnectAsync();
        await client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        var ended = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        second.Close();
        Assert.That((await ended).Error?.ToString(), Does.Not.Contain("reset"));
        await broker.AcceptAsync();
    }

    [Test]
    public async Task Refused_connections_fail_the_connect()
    {
        await using var broker = new InMemoryTransport { RefuseConnections = true };
        await using var client = Client(broker, new TestScheduler());

        Assert.That(() => client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout), Throws.InstanceOf<StompConnectionException>().With.Message.Contains("refused"));
        Assert.That(broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Disposing_a_client_on_a_virtual_clock_ends_without_advancing_it_as_DISCONNECT_is_answered()
    {
        await using var broker = new InMemoryTransport();
        var client = Client(broker, new TestScheduler());
        var connection = await broker.ConnectClientAsync(client);

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        var disconnect = await connection.ExpectAsync(StompCommand.Disconnect);
        Assert.That(disconnect.Headers["receipt"], Is.Not.Null);
        Assert.That(await connection.ReadFrameAsync(), Is.Null, "the client closed its side");
        Assert.That(() => connection.SendHeartbeatAsync(), Throws.InvalidOperationException, "the script closed the connection after its RECEIPT");
    }

    [Test]
    public async Task Expecting_another_frame_or_waiting_on_a_silent_client_fails_with_what_happened()
    {
        await using var broker = new InMemoryTransport();
        await using var client = Client(broker, new TestScheduler());
        var connecting = client.ConnectAsync();
        var connection = await broker.AcceptAsync();

        Assert.That(() => connection.ExpectAsync(StompCommand.Subscribe), Throws.InvalidOperationException.With.Message.Contains("Expected SUBSCRIBE").And.Message.Contains("CONNECT"));
        Assert.That(() => connection.ReadFrameAsync(TimeSpan.FromMilliseconds(50)), Throws.InstanceOf<TimeoutException>().With.Message.Contains("wrote nothing"));
        await connection.SendAsync(ScriptFrames.Connected(StompVersion.V12, "0,0"));
        await connecting;
    }

    [Test]
    public async Task Accepting_when_the_client_opens_nothing_times_out()
    {
        await using var broker = new InMemoryTransport();

        Assert.That(() => broker.AcceptAsync(TimeSpan.FromMilliseconds(50)), Throws.InstanceOf<TimeoutException>().With.Message.Contains("no connection"));
    }
}

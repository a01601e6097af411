using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Diagnostics;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>Heart-beats both ways, every injected fault, observability and disposal, seen from raw socket clients.</summary>
/// <remarks>
/// The heart-beat tests run the broker's heart-beat timers on a <see cref="VirtualClock"/> (<see cref="StompBrokerOptions.Scheduler"/>)
/// while its connections stay real sockets: the clock moves only when a test moves it, so each deadline is checked
/// at its tick and one tick before. Two facts make that deterministic. The broker starts a connection's timers while
/// it handles CONNECT, before it reads the next frame: a receipted no-op after CONNECT is therefore answered only once
/// they run (<see cref="ConnectAsync"/>). And it writes in order: the heart-beats it queued while the clock moved
/// arrive before the RECEIPT of a no-op sent afterwards (<see cref="BeatsBeforeReceiptAsync"/>), so "no beat yet"
/// needs no waiting. A client dropped for silence is removed from the broker's sessions inside the clock's
/// <c>AdvanceTo</c>, on the test's thread, so <see cref="StompBroker.SessionIds"/> tells it at once.
/// The broker samples its byte counters every tenth of an interval, on the same clock: a beat is noticed at the next
/// sample, and the times below count from there.
/// </remarks>
public class BrokerHeartbeatAndFaultTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>
    /// Connects (CONNECTED read) and waits for the RECEIPT of a no-op, by which time the broker has started the
    /// connection's heart-beat timers on its clock; the clock has not moved.
    /// </summary>
    private static async Task<RawClient> ConnectAsync(StompBroker broker, StompVersion version, string heartbeat)
    {
        var client = await RawClient.ConnectAsync(broker.Endpoint, version, heartbeat);
        Assert.That(await BeatsBeforeReceiptAsync(client), Is.Zero, "a beat before the clock moved");
        return client;
    }

    /// <summary>
    /// Sends a receipted no-op and counts the heart-beats that arrive before its RECEIPT: every beat the broker queued
    /// up to the clock's present moment, since the clock stands still while the test waits.
    /// </summary>
    private static async Task<int> BeatsBeforeReceiptAsync(RawClient client)
    {
        var transaction = "sync-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(StompCommand.Begin, ("transaction", transaction));
        await client.SendAsync(StompCommand.Abort, ("transaction", transaction), ("receipt", transaction));
        var beats = 0;
        while (true)
        {
            var frame = await client.ReadAnyAsync();
            Assert.That(frame, Is.Not.Null, "the broker closed the connection");
            if (frame!.IsHeartbeat)
            {
                beats++;
                continue;
            }

            Assert.That((frame.Command, frame.Headers["receipt-id"]), Is.EqualTo((StompCommand.Receipt, transaction)), frame.ToString());
            return beats;
        }
    }

    [Test]
    public async Task The_broker_sends_heart_beats_at_the_negotiated_interval_and_not_before()
    {
        using var clock = new VirtualClock();
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(Ms(50), TimeSpan.Zero), Scheduler = clock });
        // Connections on one clock, connected at the same virtual moment. Looking for a beat is itself a write (the
        // RECEIPT), which moves the next beat: so one connection looks a tick before each beat is due, and another,
        // with the same history until then, takes the beat when due.
        await using var first = await ConnectAsync(broker, StompVersion.V12, "0,100");
        await using var second = await ConnectAsync(broker, StompVersion.V12, "0,100");
        await using var client = await ConnectAsync(broker, StompVersion.V12, "0,100");
        Assert.That(client.Connected!.Headers["heart-beat"], Is.EqualTo("50,0"));

        // max(sx 50, cy 100) = 100 ms, a beat once 80 % of it is idle, counted from the first sample (at a tenth of
        // it): 10 + 80 = 90 ms. With the broker's own 50 ms it would come at 45 ms.
        clock.AdvanceTo(Ms(90) - Tick);
        Assert.That(await BeatsBeforeReceiptAsync(first), Is.Zero, "a beat before 90 ms");
        clock.AdvanceTo(Ms(90));
        Assert.That(await BeatsBeforeReceiptAsync(second), Is.EqualTo(1), "a beat at 90 ms");
        Assert.That(await BeatsBeforeReceiptAsync(client), Is.EqualTo(1), "a beat at 90 ms");

        // The RECEIPTs just written are seen at the sample of 100 ms: the next beat is due 80 ms later.
        clock.AdvanceTo(Ms(180) - Tick);
        Assert.That(await BeatsBeforeReceiptAsync(second), Is.Zero, "a beat before 180 ms");
        clock.AdvanceTo(Ms(180));
        Assert.That(await BeatsBeforeReceiptAsync(client), Is.EqualTo(1), "a beat at 180 ms");
    }

    [Test]
    public async Task No_heart_beats_when_the_client_wants_none_or_speaks_1_0()
    {
        using var clock = new VirtualClock();
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(Ms(50), Ms(50)), Scheduler = clock });
        await using var none = await ConnectAsync(broker, StompVersion.V12, "0,0");
        await using var old = await ConnectAsync(broker, StompVersion.V10, "100,100");
        Assert.That(none.Connected!.Headers["heart-beat"], Is.EqualTo("50,50"), "the broker offers them");

        // Two hundred of the broker's intervals, both ways: no beat out, and neither silent client dropped.
        clock.AdvanceTo(TimeSpan.FromSeconds(10));

        Assert.That(await BeatsBeforeReceiptAsync(none), Is.Zero);
        Assert.That(await BeatsBeforeReceiptAsync(old), Is.Zero);
        Assert.That(broker.SessionIds, Is.EquivalentTo(new[] { none.Session, old.Session }));
    }

    [Test]
    public async Task A_client_silent_past_its_heart_beat_deadline_is_dropped_at_the_deadline_and_not_before()
    {
        using var clock = new VirtualClock();
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.Zero, Ms(50)), Scheduler = clock });
        await using var client = await ConnectAsync(broker, StompVersion.V11, "100,0");
        var dropped = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected);

        // max(cx 100, sy 50) = 100 ms, × 1.5 = 150 ms of silence, from the first sample at 10 ms: dropped at 160 ms.
        clock.AdvanceTo(Ms(160) - Tick);
        Assert.That(broker.SessionIds, Does.Contain(client.Session), "dropped before its deadline");
        clock.AdvanceTo(Ms(160));
        Assert.That(broker.SessionIds, Does.Not.Contain(client.Session), "still there at its deadline");

        await client.ExpectClosedAsync();
        var end = await dropped;
        Assert.That(end.SessionId, Is.EqualTo(client.Session));
        var timeout = end.Error as HeartbeatTimeoutException;
        Assert.That(timeout, Is.Not.Null, end.Error?.ToString());
        Assert.That((timeout!.Interval, timeout.Silence), Is.EqualTo((Ms(100), Ms(150))));
        Assert.That(broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task A_client_that_beats_in_time_is_kept_and_dropped_a_full_deadline_after_its_last_beat()
    {
        using var clock = new VirtualClock();
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.Zero, Ms(50)), Scheduler = clock });
        await using var client = await ConnectAsync(broker, StompVersion.V12, "1000,0");

        // max(cx 1000, sy 50) = 1 s, × 1.5: silent since the first sample (at 100 ms), it would go at 1.6 s. A beat
        // every second keeps it. The broker counts bytes, so a beat counts like a frame; each beat is followed by a
        // receipted no-op, for a lone end-of-line gives the test nothing to wait for before it moves the clock.
        for (var second = 1; second <= 3; second++)
        {
            clock.AdvanceTo(TimeSpan.FromSeconds(second));
            await client.SendRawAsync(second % 2 == 0 ? "\n" : "\r\n");
            await client.SyncAsync();
        }

        Assert.That(broker.SessionIds, Does.Contain(client.Session), "kept past the deadline of a silent client");

        // The last beat was seen at the sample of 3.1 s: dropped 1.5 s later, at 4.6 s, and not a tick before.
        clock.AdvanceTo(Ms(4600) - Tick);
        Assert.That(broker.SessionIds, Does.Contain(client.Session), "dropped before the deadline that followed its last beat");
        clock.AdvanceTo(Ms(4600));
        Assert.That(broker.SessionIds, Does.Not.Contain(client.Session), "still there at the deadline that followed its last beat");
        await client.ExpectClosedAsync();
    }

    [Test]
    public async Task DropConnection_resets_one_connection_and_its_messages_go_to_the_others()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var victim = await RawClient.ConnectAsync(broker.Endpoint);
        await using var survivor = await RawClient.ConnectAsync(broker.Endpoint);
        await victim.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/queue/f"), ("ack", "client"));
        await victim.SendAsync(StompCommand.Send, "x", ("destination", "/queue/f"));
        await victim.ExpectAsync(StompCommand.Message);
        var gone = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected);

        Assert.That(broker.Faults.DropConnection(victim.Session), Is.True);

        await victim.ExpectClosedAsync();
        Assert.That(victim.EndedByReset, Is.True, "abruptly: a reset, not an orderly close");
        Assert.That((await gone).SessionId, Is.EqualTo(victim.Session));
        Assert.That(broker.SessionIds, Is.EqualTo(new[] { survivor.Session }));
        Assert.That(broker.Faults.DropConnection(victim.Session), Is.False, "already gone");
        await survivor.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/queue/f"));
        Assert.That((await survivor.ExpectAsync(StompCommand.Message)).Headers["redelivered"], Is.EqualTo("true"));
    }

    [Test]
    public async Task DropAllConnections_resets_every_connection()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var a = await RawClient.ConnectAsync(broker.Endpoint);
        await using var b = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V10);
        await a.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/topic/x"));
        var bothGone = broker.Events.Where(e => e.Kind == BrokerEventKind.Disconnected).TakeAsync(2);

        Assert.That(broker.Faults.DropAllConnections(), Is.EqualTo(2));

        await a.ExpectClosedAsync();
        await b.ExpectClosedAsync();
        Assert.That((a.EndedByReset, b.EndedByReset), Is.EqualTo((true, true)));
        var events = await bothGone;
        Assert.That(events.Select(e => e.SessionId).Order(), Is.EqualTo(new[] { a.Session, b.Session }.Order()));
        Assert.That(events.Select(e => e.Error), Is.All.InstanceOf<StompConnectionException>());
        Assert.That(broker.ConnectionCount, Is.Zero);
        Assert.That(broker.SubscriptionCount, Is.Zero, "no subscription outlives its connection");
    }

    [Test]
    public async Task PauseHeartbeats_withholds_beats_on_an_open_connection_until_ResumeHeartbeats()
    {
        using var clock = new VirtualClock();
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(Ms(50), TimeSpan.Zero), Scheduler = clock });
        await using var client = await ConnectAsync(broker, StompVersion.V12, "0,50");
        // 50 ms: a beat at 5 + 40 ms.
        clock.AdvanceTo(Ms(45));
        Assert.That(await BeatsBeforeReceiptAsync(client), Is.EqualTo(1));

        broker.Faults.PauseHeartbeats();
        clock.AdvanceTo(TimeSpan.FromSeconds(1));

        Assert.That(broker.Faults.HeartbeatsPaused, Is.True);
        Assert.That(await BeatsBeforeReceiptAsync(client), Is.Zero, "a beat while paused");
        broker.Faults.ResumeHeartbeats();
        // The RECEIPT just written is seen at the sample of 1.005 s: the next beat is due 40 ms later.
        clock.AdvanceTo(Ms(1045));
        Assert.That(await BeatsBeforeReceiptAsync(client), Is.EqualTo(1), "beats again once resumed");
    }

    [Test]
    public async Task RefuseConnects_answers_the_next_connects_with_an_ERROR_then_lets_clients_in()
    {
        await using var broker = await StompBroker.StartAsync();
        broker.Faults.RefuseConnects(2, "Maintenance");

        for (var i = 0; i < 2; i++)
        {
            await using var refused = await RawClient.OpenAsync(broker.Endpoint);
            var error = await refused.HandshakeAsync(StompVersion.V12);
            Assert.That(error.Command, Is.EqualTo(StompCommand.Error));
            Assert.That(error.Headers["message"], Is.EqualTo("Maintenance"));
            await refused.ExpectClosedAsync();
        }

        Assert.That(broker.Faults.ConnectsToRefuse, Is.Zero);
        await using var admitted = await RawClient.ConnectAsync(broker.Endpoint);
        Assert.That(admitted.Connected, Is.Not.Null);
    }

    [Test]
    public async Task SendErrorToAll_sends_an_ERROR_to_every_connected_client_and_closes()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var a = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V10);
        await using var b = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V12);

        Assert.That(broker.Faults.SendErrorToAll("Shutting down: bye"), Is.EqualTo(2));

        Assert.That((await a.ExpectErrorAndCloseAsync()).Headers["message"], Is.EqualTo("Shutting down: bye"));
        Assert.That((await b.ExpectErrorAndCloseAsync()).Headers["message"], Is.EqualTo("Shutting down: bye"));
        Assert.That((a.EndedByReset, b.EndedByReset), Is.EqualTo((false, false)), "an orderly close after the ERROR");
    }

    [Test]
    public async Task SendErrorToAll_without_close_leaves_the_connections_open()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);

        broker.Faults.SendErrorToAll("Just so you know", close: false);

        Assert.That((await client.ExpectAsync(StompCommand.Error)).Headers["message"], Is.EqualTo("Just so you know"));
        await client.SyncAsync();
    }

    [Test]
    public async Task ChunkSize_and_WriteDelay_deliver_a_frame_in_single_bytes_each_after_the_delay()
    {
        var delay = TimeSpan.FromMilliseconds(10);
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        broker.Faults.ChunkSize = 1;
        broker.Faults.WriteDelay = delay;
        var readsBefore = client.ReadSizes.Count;

        // Wall clock: WriteDelay is a real delay in the broker's socket write loop, not on its scheduler, and the
        // subject is that the bytes leave the socket late. Only a lower bound, which a loaded machine cannot break.
        var clock = Stopwatch.StartNew();
        var receipt = await client.SendWithReceiptAsync(StompCommand.Begin, ("transaction", "t"));
        var elapsed = clock.Elapsed;

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        new FrameWriter(StompVersion.V12).Write(buffer, receipt);
        var length = buffer.WrittenCount;
        var reads = client.ReadSizes.Skip(readsBefore).ToList();
        Assert.That(reads.Sum(), Is.EqualTo(length));
        Assert.That(reads, Has.Count.GreaterThan(length / 2), "one read per byte, give or take a late reader");
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(delay * length * 0.9), "each byte waited");

        broker.Faults.Reset();
        readsBefore = client.ReadSizes.Count;
        await client.SyncAsync();
        Assert.That(client.ReadSizes.Count - readsBefore, Is.LessThanOrEqualTo(2), "Reset turns it off");
    }

    [Test]
    public async Task ChunkSize_alone_splits_a_large_message_and_it_arrives_intact()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        await client.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/topic/big"));
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        broker.Faults.ChunkSize = 7;

        await client.SendAsync(new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/topic/big")), body));

        Assert.That((await client.ExpectAsync(StompCommand.Message)).Body.ToArray(), Is.EqualTo(body));
    }

    [Test]
    public async Task WriteDelay_holds_back_every_write()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        broker.Faults.WriteDelay = TimeSpan.FromMilliseconds(300);

        // Wall clock, as above: the delay is the socket write loop's own. The RECEIPT ends the wait; the bound is a lower one.
        var clock = Stopwatch.StartNew();
        await client.SyncAsync();

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)));
    }

    [Test]
    public async Task Events_and_counts_follow_connections_and_subscriptions()
    {
        await using var broker = await StompBroker.StartAsync();
        var events = broker.Events.TakeAsync(5);
        var client = await RawClient.ConnectAsync(broker.Endpoint);
        await client.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "q"), ("destination", "/queue/e"));
        await client.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "t"), ("destination", "/topic/e"));
        Assert.That((broker.ConnectionCount, broker.SubscriptionCount), Is.EqualTo((1, 2)));
        Assert.That(broker.Queues, Is.EqualTo(new[] { "/queue/e" }));

        await client.SendAsync(StompCommand.Disconnect);

        var seen = (await events).Select(e => (e.Kind, e.SubscriptionId)).ToList();
        Assert.That(seen, Is.EqualTo(new[]
        {
            (BrokerEventKind.Connected, (string?)null), (BrokerEventKind.Subscribed, "q"), (BrokerEventKind.Subscribed, "t"),
            (BrokerEventKind.Unsubscribed, "q"), (BrokerEventKind.Unsubscribed, "t"),
        }));
        await client.DisposeAsync();
    }

    [Test]
    public async Task Disposing_the_broker_closes_every_connection_even_one_stuck_in_a_write_and_completes_Events()
    {
        var log = new CapturingLoggerFactory();
        var broker = await StompBroker.StartAsync(new StompBrokerOptions { LoggerFactory = log });
        await using var a = await RawClient.ConnectAsync(broker.Endpoint);
        await using var b = await RawClient.ConnectAsync(broker.Endpoint);
        await using var half = await RawClient.OpenAsync(broker.Endpoint);
        await half.SendRawAsync("CONNECT\naccept-version:1.2\n");
        await a.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/queue/z"), ("ack", "client"));
        broker.Faults.WriteDelay = TimeSpan.FromMinutes(10);
        var subscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.SubscriptionId == "stuck");
        await b.SendAsync(StompCommand.Subscribe, ("id", "stuck"), ("destination", "/queue/y"), ("receipt", "stuck behind the delay"));
        await subscribed;
        // Read under the broker's lock, which the SUBSCRIBE held until its RECEIPT was queued: that write now waits.
        Assert.That(broker.SubscriptionCount, Is.EqualTo(2));
        var completed = broker.Events.LastOrDefaultAsync().ToTask();

        await broker.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        // The broker waits 5 s for its connections' loops, then logs that some are still open and returns. That line is
        // absent: the stop cancelled the delay of the RECEIPT held back for ten minutes.
        Assert.That(log.Text, Does.Contain("stopped").And.Not.Contain("still open"));
        await a.ExpectClosedAsync();
        await b.ExpectClosedAsync();
        await half.ExpectClosedAsync();
        await completed.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(broker.ConnectionCount, Is.Zero);
        Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => RawClient.OpenAsync(broker.Endpoint));
        await broker.DisposeAsync();
    }
}

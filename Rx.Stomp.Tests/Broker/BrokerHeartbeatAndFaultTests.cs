using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Diagnostics;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>Heart-beats both ways, every injected fault, observability and disposal, seen from raw socket clients.</summary>
public class BrokerHeartbeatAndFaultTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private static async Task ExpectBeatsAsync(RawClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var next = await client.ReadAnyAsync(TimeSpan.FromSeconds(2));
            Assert.That(next?.IsHeartbeat, Is.True, $"expected a heart-beat, got {next?.ToString() ?? "the end of the connection"}");
        }
    }

    [Test]
    public async Task The_broker_sends_heart_beats_at_the_negotiated_interval()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.FromMilliseconds(50), TimeSpan.Zero) });
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V12, "0,100");
        Assert.That(client.Connected!.Headers["heart-beat"], Is.EqualTo("50,0"));

        var clock = Stopwatch.StartNew();
        await ExpectBeatsAsync(client, 5);

        // max(sx 50, cy 100) = 100 ms, sent once 80 % of it is idle: five beats take about 0.4 s.
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(250)), "not faster than the client asked");
    }

    [Test]
    public async Task No_heart_beats_when_the_client_wants_none_or_speaks_1_0()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)) });
        await using var none = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V12, "0,0");
        await using var old = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V10, "100,100");

        foreach (var client in new[] { none, old })
        {
            try
            {
                var frame = await client.ReadAnyAsync(Quiet);
                Assert.Fail($"expected silence, got {frame}");
            }
            catch (TimeoutException)
            {
            }
        }
    }

    [Test]
    public async Task A_client_silent_past_its_heart_beat_deadline_is_dropped()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.Zero, TimeSpan.FromMilliseconds(50)) });
        var dropped = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected);
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V11, "100,0");

        await client.ExpectClosedAsync();

        var end = await dropped;
        Assert.That(end.Error, Is.InstanceOf<HeartbeatTimeoutException>());
        Assert.That(broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task A_client_that_beats_in_time_is_kept()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.Zero, TimeSpan.FromMilliseconds(50)) });
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V12, "1000,0");

        // Twelve beats 250 ms apart: two deadlines (1.5 x 1 s) pass while only beats arrive. The margins are wide so
        // that a stalled test process on a loaded machine does not look like a silent client.
        for (var i = 0; i < 12; i++)
        {
            await Task.Delay(250);
            await client.SendRawAsync(i % 2 == 0 ? "\n" : "\r\n");
        }

        await client.SyncAsync();
        Assert.That(broker.ConnectionCount, Is.EqualTo(1));
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
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.FromMilliseconds(50), TimeSpan.Zero) });
        await using var client = await RawClient.ConnectAsync(broker.Endpoint, StompVersion.V12, "0,50");
        await ExpectBeatsAsync(client, 2);

        broker.Faults.PauseHeartbeats();
        // A beat may have been queued just before the pause: skip it, then nothing at all for several intervals.
        while (await client.ReadAnyAsync(TimeSpan.FromMilliseconds(150)).ContinueWith(t => t.IsCompletedSuccessfully) is true)
        {
        }

        Assert.That(broker.Faults.HeartbeatsPaused, Is.True);
        try
        {
            var frame = await client.ReadAnyAsync(Quiet);
            Assert.Fail($"expected no beat while paused, got {frame?.ToString() ?? "the end of the connection"}");
        }
        catch (TimeoutException)
        {
        }

        await client.SyncAsync();
        broker.Faults.ResumeHeartbeats();
        await ExpectBeatsAsync(client, 2);
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
    public async Task Disposing_the_broker_closes_every_connection_promptly_and_completes_Events()
    {
        var broker = await StompBroker.StartAsync();
        await using var a = await RawClient.ConnectAsync(broker.Endpoint);
        await using var b = await RawClient.ConnectAsync(broker.Endpoint);
        await using var half = await RawClient.OpenAsync(broker.Endpoint);
        await half.SendRawAsync("CONNECT\naccept-version:1.2\n");
        await a.SendWithReceiptAsync(StompCommand.Subscribe, ("id", "s"), ("destination", "/queue/z"), ("ack", "client"));
        broker.Faults.WriteDelay = TimeSpan.FromSeconds(30);
        await b.SendAsync(StompCommand.Send, "stuck behind the delay", ("destination", "/queue/z"));
        var completed = broker.Events.LastOrDefaultAsync().ToTask();

        var clock = Stopwatch.StartNew();
        await broker.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        await a.ExpectClosedAsync();
        await b.ExpectClosedAsync();
        await half.ExpectClosedAsync();
        await completed.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(broker.ConnectionCount, Is.Zero);
        Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => RawClient.OpenAsync(broker.Endpoint));
        await broker.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The client heals itself, on its own timers: the real <see cref="StompClient"/> on a <see cref="VirtualClock"/>
/// over the in-memory transport, so that every heart-beat, back-off and offline deadline is checked at its exact
/// virtual time and not a tick before. Nothing here waits on the wall clock but for what the client does.
/// </summary>
public class ReconnectionTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static TimeSpan Seconds(double value) => TimeSpan.FromSeconds(value);

    /// <summary>The virtual times at which <paramref name="client"/> reported a heart-beat timeout, as reported.</summary>
    private static ConcurrentQueue<TimeSpan> HeartbeatTimeouts(StompClient client, VirtualClock clock)
    {
        var times = new ConcurrentQueue<TimeSpan>();
        client.Errors.Where(e => e.Kind == StompErrorKind.HeartbeatTimeout).Subscribe(_ => times.Enqueue(clock.Elapsed));
        return times;
    }

    [TestCase(1.5)]
    [TestCase(3.0)]
    public async Task A_broker_silent_for_ReceiveScale_intervals_is_declared_dead_then_and_not_before_and_the_watch_is_subscribed_again(double scale)
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, Second) { ReceiveScale = scale } });
        var timeouts = HeartbeatTimeouts(client, broker.Clock);
        var timedOut = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.HeartbeatTimeout);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        var first = await broker.Transport.ConnectClientAsync(client, heartbeat: "1000,0");
        var received = client.Watch("/queue/a", new SubscribeOptions { Receipt = false }).FirstAsync().ToTask();
        // The client writes its SUBSCRIBE after the monitor started: writing is no sign of the broker's life.
        var subscribe = await first.ExpectAsync(StompCommand.Subscribe);

        broker.Clock.AdvanceTo(Seconds(scale) - Tick);
        Assert.That(timeouts, Is.Empty, "declared dead before ReceiveScale intervals of silence");
        broker.Clock.AdvanceTo(Seconds(scale));

        Assert.That((await timedOut).Exception, Is.InstanceOf<HeartbeatTimeoutException>());
        Assert.That(timeouts, Is.EqualTo(new[] { Seconds(scale) }));
        Assert.That((await reconnecting).Error, Is.InstanceOf<HeartbeatTimeoutException>());
        var second = await broker.Transport.AcceptAndConnectAsync();
        var again = await second.ExpectAsync(StompCommand.Subscribe);
        Assert.That((again.Headers["id"], again.Headers["destination"]), Is.EqualTo((subscribe.Headers["id"], "/queue/a")), "subscribed again with the same id");
        await second.SendMessageAsync(again, "hi");
        Assert.That((await received.WaitAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("hi"));
    }

    [Test]
    public async Task Each_beat_the_broker_sends_LF_or_CR_LF_moves_the_deadline_to_the_sampling_tick_that_read_it_plus_the_grace()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, Second) });
        var timeouts = HeartbeatTimeouts(client, broker.Clock);
        var connection = await broker.Transport.ConnectClientAsync(client, heartbeat: "1000,0");
        var beats = client.Heartbeats.TakeAsync(2);

        broker.Clock.AdvanceTo(Second);
        await BeatAsync(connection, "\n");
        broker.Clock.AdvanceTo(Seconds(2));
        await BeatAsync(connection, "\r\n");

        // The sampling tick at 2.1 s read the last beat: dead at 2.1 + 1.5 s, and not a tick before.
        broker.Clock.AdvanceTo(Seconds(3.6) - Tick);
        Assert.That(timeouts, Is.Empty, "the beats kept the connection");
        Assert.That(await beats, Has.Count.EqualTo(2), "LF and CR LF both arrive as heart-beats");
        var timedOut = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.HeartbeatTimeout);
        broker.Clock.AdvanceTo(Seconds(3.6));
        await timedOut;
        Assert.That(timeouts, Is.EqualTo(new[] { Seconds(3.6) }));
    }

    /// <summary>A beat, read and delivered before the clock moves on.</summary>
    private static async Task BeatAsync(ScriptedConnection connection, string beat)
    {
        await connection.SendRawAsync(beat);
        await connection.ClientCaughtUpAsync();
    }

    [Test]
    public async Task A_reader_held_by_a_slow_observer_is_no_sign_of_a_dead_broker()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, Second) });
        var timeouts = HeartbeatTimeouts(client, broker.Clock);
        var connection = await broker.Transport.ConnectClientAsync(client, heartbeat: "1000,0");
        using var gate = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var slow = client.Watch("/queue/slow", new SubscribeOptions { Receipt = false }).Subscribe(_ =>
        {
            holding.TrySetResult();
            gate.Wait(StreamWaits.DefaultTimeout);
        });
        await connection.SendMessageAsync(await connection.ExpectAsync(StompCommand.Subscribe), "slow");
        await holding.Task.WaitAsync(StreamWaits.DefaultTimeout);

        broker.Clock.AdvanceTo(Seconds(10));
        Assert.That(timeouts, Is.Empty, "the silence is the client's own while its reader is inside an observer");

        gate.Set();
        // A beat read once the observer returned: the reader is free again, and the beat is its last sign of life.
        await BeatAsync(connection, "\n");
        broker.Clock.AdvanceTo(Seconds(11.6) - Tick);
        Assert.That(timeouts, Is.Empty);
        var timedOut = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.HeartbeatTimeout);
        broker.Clock.AdvanceTo(Seconds(11.6));
        await timedOut;
        Assert.That(timeouts, Is.EqualTo(new[] { Seconds(11.6) }));
    }

    [Test]
    public async Task An_idle_client_beats_once_eight_tenths_of_the_interval_passed_unwritten_at_the_next_sampling_tick()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Heartbeat = new HeartbeatIntervals(Second, TimeSpan.Zero) });
        var connection = await broker.Transport.ConnectClientAsync(client, heartbeat: "0,1000");

        // The sampling tick at 0.1 s saw the last write (CONNECT): a beat is due at 0.9 s.
        broker.Clock.AdvanceTo(Seconds(0.9) - Tick);
        ExpectNothing(connection);
        broker.Clock.AdvanceTo(Seconds(0.9));
        Assert.That((await connection.ReadAnyAsync())?.IsHeartbeat, Is.True, "the beat due at 0.9 s");

        // A SEND is a write: seen at 1.3 s, it puts the next beat off to 2.1 s.
        broker.Clock.AdvanceTo(Seconds(1.25));
        await client.SendAsync("/queue/a", "a write");
        Assert.That((await connection.ReadAnyAsync())?.GetBodyText(), Is.EqualTo("a write"));
        broker.Clock.AdvanceTo(Seconds(2.1) - Tick);
        ExpectNothing(connection);
        broker.Clock.AdvanceTo(Seconds(2.1));
        Assert.That((await connection.ReadAnyAsync())?.IsHeartbeat, Is.True, "the beat due at 1.3 + 0.8 s");
    }

    /// <summary>
    /// A bounded window of real time, only to show that the client wrote nothing: a beat is written by the clock's
    /// own thread as the test advances it, and reaches the script's reader well within the window.
    /// </summary>
    private static void ExpectNothing(ScriptedConnection connection) =>
        Assert.That(async () => await connection.ReadAnyAsync(TimeSpan.FromMilliseconds(200)), Throws.InstanceOf<TimeoutException>(), "a heart-beat before it was due");

    [Test]
    public async Task Reconnection_attempts_come_after_the_back_off_delays_and_not_a_tick_before()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client();
        var attempts = 0;
        using var counting = client.State.Where(s => s.Kind == ConnectionStateKind.Connecting).Subscribe(_ => Interlocked.Increment(ref attempts));
        var retries = client.State.Where(s => s.Kind == ConnectionStateKind.Reconnecting).Select(s => (s.Attempt, s.NextDelay)).Take(4).ToList().ToTask();
        var first = await broker.Transport.ConnectClientAsync(client);

        broker.Transport.RefuseConnections = true;
        first.Abort();
        // The loss is retried at once (refused), then after 1 s, 2 s and 4 s.
        await broker.Clock.WhenScheduledAsync(Second);
        Assert.That(attempts, Is.EqualTo(2));
        broker.Clock.AdvanceTo(Second - Tick);
        Assert.That(attempts, Is.EqualTo(2), "an attempt before 1 s");
        broker.Clock.AdvanceTo(Second);
        await broker.Clock.WhenScheduledAsync(Seconds(3));
        Assert.That(attempts, Is.EqualTo(3));
        broker.Clock.AdvanceTo(Seconds(3) - Tick);
        Assert.That(attempts, Is.EqualTo(3), "an attempt before 1 + 2 s");
        broker.Clock.AdvanceTo(Seconds(3));
        await broker.Clock.WhenScheduledAsync(Seconds(7));
        Assert.That(attempts, Is.EqualTo(4));
        broker.Transport.RefuseConnections = false;
        broker.Clock.AdvanceTo(Seconds(7) - Tick);
        Assert.That(attempts, Is.EqualTo(4));
        var connected = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        broker.Clock.AdvanceTo(Seconds(7));
        await broker.Transport.AcceptAndConnectAsync();
        await connected;

        Assert.That(await retries.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(new (int, TimeSpan?)[] { (1, TimeSpan.Zero), (2, Second), (3, Seconds(2)), (4, Seconds(4)) }));
    }

    [Test]
    public async Task A_finite_Reconnect_gives_up_after_its_attempts_even_once_connected_and_fails_the_watches_and_the_queued_sends()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Reconnect = VirtualBroker.Doubling with { MaxAttempts = 3 } });
        var first = await broker.Transport.ConnectClientAsync(client);
        var ended = client.Watch("/queue/a", new SubscribeOptions { Receipt = false }).Materialize().WhenAsync(n => n.Kind != System.Reactive.NotificationKind.OnNext);
        await first.ExpectAsync(StompCommand.Subscribe);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting && s.Attempt == 2);

        broker.Transport.RefuseConnections = true;
        first.Abort();
        await reconnecting;
        var queued = client.SendAsync("/queue/a", "waits");
        await broker.Clock.WhenScheduledAsync(Second);
        broker.Clock.AdvanceTo(Second);
        await broker.Clock.WhenScheduledAsync(Seconds(3));

        broker.Clock.AdvanceTo(Seconds(3) - Tick);
        Assert.That((client.CurrentState.Kind, queued.IsCompleted), Is.EqualTo((ConnectionStateKind.Reconnecting, false)), "gave up before the third attempt");
        var faulted = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Faulted);
        broker.Clock.AdvanceTo(Seconds(3));

        Assert.That((await faulted).Error, Is.InstanceOf<StompConnectionException>());
        var end = await ended;
        Assert.That(end.Kind, Is.EqualTo(System.Reactive.NotificationKind.OnError));
        Assert.That(end.Exception!.Message, Does.Contain("gave up"));
        var lost = Assert.ThrowsAsync<StompConnectionException>(() => queued.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(lost!.Message, Does.Contain("gave up"));
    }

    [Test]
    public async Task A_first_connect_to_nothing_gives_up_after_the_attempts_of_ConnectRetry_each_after_its_delay()
    {
        await using var broker = new VirtualBroker();
        broker.Transport.RefuseConnections = true;
        var client = broker.Client(o => o with { ConnectRetry = VirtualBroker.Doubling with { MaxAttempts = 3 } });
        var retries = client.State.Where(s => s.Kind == ConnectionStateKind.Reconnecting).Select(s => s.Attempt).ToList().ToTask();

        var connecting = client.ConnectAsync();
        await broker.Clock.WhenScheduledAsync(Second);
        broker.Clock.AdvanceTo(Second);
        await broker.Clock.WhenScheduledAsync(Seconds(3));
        broker.Clock.AdvanceTo(Seconds(3) - Tick);
        Assert.That(connecting.IsCompleted, Is.False, "gave up before the third attempt");
        broker.Clock.AdvanceTo(Seconds(3));

        Assert.ThrowsAsync<StompConnectionException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
        await client.DisposeAsync();
        Assert.That(await retries.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(new[] { 2, 3 }), "three attempts: the second and the third are announced");
    }

    [Test]
    public async Task An_ERROR_then_the_end_of_the_connection_loses_the_frames_in_doubt_and_the_watch_is_subscribed_again()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        var received = client.Watch("/queue/a").FirstAsync().ToTask();
        var subscribe = await first.ExpectAsync(StompCommand.Subscribe);
        var sending = client.SendAsync("/queue/b", "x", new SendOptions { Receipt = true });
        await first.ExpectAsync(StompCommand.Send);

        // What RabbitMQ sends when an administrator closes the connection: an ERROR about no frame, then the end.
        await first.SendErrorAsync("AMQP channel died");
        first.Close();

        Assert.That(async () => await sending.WaitAsync(StreamWaits.DefaultTimeout), Throws.InstanceOf<StompConnectionException>());
        var second = await broker.Transport.AcceptAndConnectAsync();
        var again = await second.ExpectAsync(StompCommand.Subscribe);
        Assert.That(again.Headers["id"], Is.EqualTo(subscribe.Headers["id"]), "the watch, not ended as refused");
        await second.SendReceiptAsync(again);
        await second.SendMessageAsync(again, "hi");
        Assert.That((await received.WaitAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("hi"));
    }

    [Test]
    public async Task A_drop_fails_pending_receipts_and_old_acks_and_queued_sends_go_out_after_the_resubscribe()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        var delivered = new TaskCompletionSource<StompMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = client.Watch("/queue/a", new SubscribeOptions { Ack = AckMode.ClientIndividual }).Subscribe(m => delivered.TrySetResult(m));
        var subscribe = await first.ExpectAsync(StompCommand.Subscribe);
        await first.SendReceiptAsync(subscribe);
        await first.SendMessageAsync(subscribe, "m1");
        var old = await delivered.Task.WaitAsync(StreamWaits.DefaultTimeout);
        var unconfirmed = client.SendAsync("/queue/b", "before", new SendOptions { Receipt = true });
        await first.ExpectAsync(StompCommand.Send);

        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        first.Abort();
        var lost = Assert.ThrowsAsync<StompConnectionException>(() => unconfirmed.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(lost!.Message, Does.Contain("lost before the RECEIPT"));
        await reconnecting;

        var second = await broker.Transport.AcceptAsync();
        var queued = client.SendAsync("/queue/b", "while offline");
        await second.AnswerConnectAsync();
        var resubscribe = await second.ExpectAsync(StompCommand.Subscribe);
        Assert.That(resubscribe.Headers["id"], Is.EqualTo(subscribe.Headers["id"]));
        var send = await second.ExpectAsync(StompCommand.Send);
        Assert.That(send.GetBodyText(), Is.EqualTo("while offline"), "the queued SEND follows the SUBSCRIBE");
        await queued.WaitAsync(StreamWaits.DefaultTimeout);

        var stale = Assert.ThrowsAsync<StompConnectionException>(() => old.AckAsync());
        Assert.That(stale!.Message, Does.Contain("connection that is gone"));
    }

    [Test]
    public async Task Sends_made_offline_go_out_in_order_and_one_lost_with_the_next_connection_goes_first_on_the_one_after()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, Second) });
        var first = await broker.Transport.ConnectClientAsync(client, heartbeat: "1000,0");
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        first.Abort();
        await reconnecting;
        var second = await broker.Transport.AcceptAsync();
        var sends = new[] { "a", "b", "c" }.Select(body => client.SendAsync("/queue/q", body)).ToList();

        // The second connection ends as its drain hands over the first queued SEND: a heart-beat timeout, in virtual
        // time, from inside the client's own Sent (the drain's thread), before the SEND is written. The clock moves
        // once the reader is done with CONNECTED: a reader still delivering is a sign of life.
        var ended = 0;
        using var cut = client.Sent.Where(f => f.Command == StompCommand.Send).Subscribe(_ =>
        {
            if (Interlocked.Exchange(ref ended, 1) == 0)
            {
                second.ClientCaughtUpAsync().GetAwaiter().GetResult();
                broker.Clock.AdvanceBy(Seconds(2));
            }
        });
        await second.AnswerConnectAsync(heartbeat: "1000,0");
        var third = await broker.Transport.AcceptAndConnectAsync();

        var written = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            written.Add((await third.ExpectAsync(StompCommand.Send)).GetBodyText());
        }

        Assert.That(written, Is.EqualTo(new[] { "a", "b", "c" }), "the SEND lost while draining waits at the head of the queue");
        Assert.That(async () => await Task.WhenAll(sends).WaitAsync(StreamWaits.DefaultTimeout), Throws.Nothing, "no send fails for a connection lost while it waited");
    }

    [Test]
    public async Task A_send_made_while_the_watches_are_subscribed_again_waits_behind_their_SUBSCRIBEs_and_the_queued_sends()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        using var gate = new ManualResetEventSlim();
        var resubscribing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = WatchHeldAtItsSecondSubscribe(client, resubscribing, gate);
        await first.ExpectAsync(StompCommand.Subscribe);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        first.Abort();
        await reconnecting;
        var queued = client.SendAsync("/queue/q", "queued");
        var connected = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        var second = await broker.Transport.AcceptAndConnectAsync();
        await connected;
        await resubscribing.Task.WaitAsync(StreamWaits.DefaultTimeout);

        var late = client.SendAsync("/queue/q", "late");
        gate.Set();

        Assert.That((await second.ReadFrameAsync())?.Command, Is.EqualTo(StompCommand.Subscribe));
        Assert.That((await second.ReadFrameAsync())?.GetBodyText(), Is.EqualTo("queued"));
        Assert.That((await second.ReadFrameAsync())?.GetBodyText(), Is.EqualTo("late"));
        await Task.WhenAll(queued, late).WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task A_send_made_while_resubscribing_with_nothing_queued_still_follows_the_SUBSCRIBE()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        using var gate = new ManualResetEventSlim();
        var resubscribing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = WatchHeldAtItsSecondSubscribe(client, resubscribing, gate);
        await first.ExpectAsync(StompCommand.Subscribe);
        first.Abort();
        var second = await broker.Transport.AcceptAndConnectAsync();
        await resubscribing.Task.WaitAsync(StreamWaits.DefaultTimeout);

        var late = client.SendAsync("/queue/q", "late");
        gate.Set();

        Assert.That((await second.ReadFrameAsync())?.Command, Is.EqualTo(StompCommand.Subscribe));
        Assert.That((await second.ReadFrameAsync())?.GetBodyText(), Is.EqualTo("late"));
        await late.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task DisconnectAsync_fails_the_sends_still_waiting_for_a_connection()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting && s.Attempt == 2);
        broker.Transport.RefuseConnections = true;
        first.Abort();
        await reconnecting;
        var queued = new[] { client.SendAsync("/queue/q", "1"), client.SendAsync("/queue/q", "2", new SendOptions { Receipt = true }) };

        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        foreach (var send in queued)
        {
            var failed = Assert.ThrowsAsync<StompConnectionException>(() => send.WaitAsync(StreamWaits.DefaultTimeout));
            Assert.That(failed!.Message, Does.Contain("disconnected before the frame could be sent"));
        }

        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
    }

    [Test]
    public async Task The_offline_queue_is_bounded_in_size_and_each_frame_in_time_from_its_own_send()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync(o => o with
        {
            OfflineQueueLimit = 2,
            OfflineTimeout = Seconds(30),
            Reconnect = VirtualBroker.Doubling with { InitialDelay = TimeSpan.FromHours(1) },
        });
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting && s.Attempt == 2);
        broker.Transport.RefuseConnections = true;
        first.Abort();
        await reconnecting;

        var one = client.SendAsync("/queue/a", "1");
        broker.Clock.AdvanceTo(Seconds(10));
        var two = client.SendAsync("/queue/a", "2");
        var full = Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync("/queue/a", "3"));
        Assert.That(full!.Message, Does.Contain("OfflineQueueLimit"));

        broker.Clock.AdvanceTo(Seconds(30) - Tick);
        Assert.That(one.IsCompleted, Is.False, "timed out before OfflineTimeout");
        broker.Clock.AdvanceTo(Seconds(30));
        var late = Assert.ThrowsAsync<StompTimeoutException>(() => one.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(late!.Message, Does.Contain("OfflineTimeout"));
        broker.Clock.AdvanceTo(Seconds(40) - Tick);
        Assert.That(two.IsCompleted, Is.False, "each frame has its own deadline");
        broker.Clock.AdvanceTo(Seconds(40));
        Assert.ThrowsAsync<StompTimeoutException>(() => two.WaitAsync(StreamWaits.DefaultTimeout));
    }

    [Test]
    public async Task A_refused_login_on_reconnect_is_final_and_ends_every_watch_with_the_reason()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        var ended = client.Watch("/queue/a").Materialize().WhenAsync(n => n.Kind != System.Reactive.NotificationKind.OnNext);
        await first.SendReceiptAsync(await first.ExpectAsync(StompCommand.Subscribe));
        var faulted = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Faulted);

        first.Close();
        var second = await broker.Transport.AcceptAsync();
        await second.ExpectAsync(StompCommand.Connect);
        await second.SendErrorAsync("Access refused for user 'guest'");
        second.Close();

        Assert.That((await faulted).Error, Is.InstanceOf<StompErrorException>());
        var end = await ended;
        Assert.That(end.Exception?.Message, Does.Contain("Access refused"));
        Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync("/queue/a", "x"));
        Assert.That(broker.Transport.ConnectionCount, Is.EqualTo(2), "a refused login is not retried");
    }

    [Test]
    public async Task With_OfflineSends_Fail_a_send_while_reconnecting_fails_at_once()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync(o => o with { OfflineSends = OfflineSends.Fail });
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting && s.Attempt == 2);
        broker.Transport.RefuseConnections = true;
        first.Abort();
        await reconnecting;

        Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync("/queue/a", "x"));
    }

    [Test]
    public async Task A_watchs_header_factory_is_evaluated_again_for_every_SUBSCRIBE()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        var calls = 0;
        using var watch = client.Watch("/queue/a", new SubscribeOptions
        {
            HeadersFactory = () => StompHeaders.Create(("x-generation", Interlocked.Increment(ref calls).ToString(System.Globalization.CultureInfo.InvariantCulture))),
        }).Subscribe(_ => { });
        var one = await first.ExpectAsync(StompCommand.Subscribe);
        await first.SendReceiptAsync(one);

        first.Close();
        var second = await broker.Transport.AcceptAndConnectAsync();
        var two = await second.ExpectAsync(StompCommand.Subscribe);

        Assert.That((one.Headers["x-generation"], two.Headers["x-generation"]), Is.EqualTo(("1", "2")));
    }

    [Test]
    public async Task A_ConnectAsync_whose_token_is_cancelled_ends_its_wait_and_one_cancelled_before_opens_nothing()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client();
        using var before = new CancellationTokenSource();
        await before.CancelAsync();
        Assert.That(async () => await client.ConnectAsync(before.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That((broker.Transport.ConnectionCount, client.CurrentState.Kind), Is.EqualTo((0, ConnectionStateKind.Disconnected)), "nothing was opened");

        using var during = new CancellationTokenSource();
        var connecting = client.ConnectAsync(during.Token);
        var connection = await broker.Transport.AcceptAsync();
        await connection.ExpectAsync(StompCommand.Connect);
        await during.CancelAsync();

        Assert.That(async () => await connecting.WaitAsync(StreamWaits.DefaultTimeout), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_host_naming_this_machine_is_tried_on_127_0_0_1_first_unless_TryLoopbackConnect_is_off()
    {
        var machine = System.Net.Dns.GetHostName();
        foreach (var (tryLoopback, expected) in new[] { (true, "127.0.0.1"), (false, machine) })
        {
            await using var broker = new VirtualBroker();
            var client = broker.Client(o => o with { Endpoints = [new(machine, 61613)], TryLoopbackConnect = tryLoopback });

            await broker.Transport.ConnectClientAsync(client);

            Assert.That(client.CurrentState.Endpoint, Is.EqualTo(new StompEndpoint(expected, 61613)), $"TryLoopbackConnect = {tryLoopback}");
        }
    }

    // On real sockets, where the socket is the subject.

    [Test]
    public async Task Failover_walks_the_endpoint_list_past_an_endpoint_that_refuses_TCP()
    {
        int closedPort;
        await using (var closed = new RawPeer())
        {
            closedPort = closed.Endpoint.Port;
        }

        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [new("127.0.0.1", closedPort), peer.Endpoint], PreferLocalhost = false });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);

        await peer.ConnectAsync(client);

        Assert.That(client.CurrentState.Endpoint, Is.EqualTo(peer.Endpoint));
    }

    [Test]
    public async Task A_send_that_finds_its_connection_ended_before_the_end_is_taken_in_waits_and_goes_out_on_the_next_one()
    {
        await using var held = await ConnectionClosedUnderAHeldReader.OpenAsync();

        var (waiting, failures) = await ConnectionClosedUnderAHeldReader.SendUntilOneWaitsOrFailsAsEndedAsync(() => held.Client.SendAsync("/queue/a", "raced"));

        Assert.That(waiting, Is.Not.Null, "a send met the connection ended for writing");
        Assert.That(failures, Has.None.InstanceOf<ConnectionEndedException>(), "a send that wrote nothing is never failed for it");
        Assert.That(failures, Has.Count.LessThanOrEqualTo(1), "once a write failed, the sends after it wait for the next connection");
        await held.ReleaseAndReconnectAsync();
        Assert.That((await held.Peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("raced"));
        await waiting!.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [TestCase(StompCommand.Ack, "id", "ack-1")]
    [TestCase(StompCommand.Send, "transaction", "tx-1")]
    public async Task A_frame_bound_to_its_connection_that_finds_it_ended_fails_and_never_goes_out_on_the_next_one(StompCommand command, string name, string value)
    {
        await using var held = await ConnectionClosedUnderAHeldReader.OpenAsync();
        var bound = new Frame(command, StompHeaders.Create(("destination", "/queue/a"), (name, value)));

        var (waiting, failures) = await ConnectionClosedUnderAHeldReader.SendUntilOneWaitsOrFailsAsEndedAsync(() => held.Client.SendFrameAsync(bound));

        Assert.That(waiting, Is.Null, "an ACK, or a SEND in a transaction, means nothing to another connection: it never waits for one");
        Assert.That(failures.LastOrDefault(), Is.InstanceOf<ConnectionEndedException>(), "it fails as never written");
        await held.ReleaseAndReconnectAsync();
        await held.Client.SendAsync("/queue/after", "after");
        Assert.That((await held.Peer.ReadFrameAsync().WaitAsync(StreamWaits.DefaultTimeout))?.GetBodyText(), Is.EqualTo("after"), "nothing before it on the next connection");
    }

    /// <summary>
    /// A client whose reader is held inside a watch, so that it cannot take the end of its connection in, while the
    /// peer closes that connection: the client's writes fail (a write whose bytes may have left fails honestly), then
    /// the connection ends for writing, and the frames sent then meet a connection that has ended but is still current.
    /// </summary>
    private sealed class ConnectionClosedUnderAHeldReader : IAsyncDisposable
    {
        private readonly ManualResetEventSlim _gate = new();
        private readonly IAsyncDisposable _cleanup;
        private IDisposable? _held;

        private ConnectionClosedUnderAHeldReader()
        {
            Client = new StompClient(new StompClientOptions { Endpoints = [Peer.Endpoint], ConnectRetry = BackoffPolicy.Connect with { MaxAttempts = 1 } });
            _cleanup = RawPeer.ClosingFirst(Peer, Client);
        }

        public RawPeer Peer { get; } = new();

        public StompClient Client { get; }

        public static async Task<ConnectionClosedUnderAHeldReader> OpenAsync()
        {
            var held = new ConnectionClosedUnderAHeldReader();
            await held.Peer.ConnectAsync(held.Client);
            var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            held._held = held.Client.Watch("/queue/hold", new SubscribeOptions { Receipt = false }).Subscribe(_ =>
            {
                holding.TrySetResult();
                held._gate.Wait(StreamWaits.DefaultTimeout);
            });
            var subscribe = await held.Peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
            await held.Peer.SendAsync(new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/hold"), ("message-id", "m"), ("subscription", subscribe.Headers["id"]!))));
            await holding.Task.WaitAsync(StreamWaits.DefaultTimeout);
            held.Peer.CloseClientConnection();
            return held;
        }

        /// <summary>
        /// Sends until one send waits, or one fails as never written (<see cref="ConnectionEndedException"/>); the
        /// connection ends for writing once the writer has taken its failure in, on the pool, so sends fail until then.
        /// </summary>
        /// <returns>The send that waits, if one did; the failures before.</returns>
        public static async Task<(Task? Waiting, List<Exception> Failures)> SendUntilOneWaitsOrFailsAsEndedAsync(Func<Task> send)
        {
            var failures = new List<Exception>();
            using var limit = new CancellationTokenSource(StreamWaits.DefaultTimeout);
            while (!limit.IsCancellationRequested && failures.LastOrDefault() is not ConnectionEndedException)
            {
                Task sent;
                try
                {
                    sent = send();
                }
                catch (StompException e)
                {
                    Assert.Fail($"The send threw instead of failing its task: {e.Message}");
                    throw;
                }

                // A window only to show that this send does not complete; one that fails or goes out does so at once.
                if (await Task.WhenAny(sent, Task.Delay(TimeSpan.FromMilliseconds(300))) != sent)
                {
                    return (sent, failures);
                }

                if (sent.Exception?.InnerException is { } failure)
                {
                    failures.Add(failure);
                }
            }

            return (null, failures);
        }

        /// <summary>Lets the reader go, so the end is taken in; the client reconnects and subscribes its watch again.</summary>
        public async Task ReleaseAndReconnectAsync()
        {
            _gate.Set();
            await Peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
            Assert.That((await Peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout)).Headers["destination"], Is.EqualTo("/queue/hold"));
        }

        public async ValueTask DisposeAsync()
        {
            _gate.Set();
            _held?.Dispose();
            await _cleanup.DisposeAsync();
            _gate.Dispose();
        }
    }

    /// <summary>
    /// A watch whose header factory, run as each SUBSCRIBE is built, holds the second one (the resumption on the next
    /// connection) until <paramref name="gate"/> is set, once it has told <paramref name="resubscribing"/>.
    /// </summary>
    private static IDisposable WatchHeldAtItsSecondSubscribe(StompClient client, TaskCompletionSource resubscribing, ManualResetEventSlim gate)
    {
        var calls = 0;
        return client.Watch("/queue/w", new SubscribeOptions
        {
            Receipt = false,
            HeadersFactory = () =>
            {
                if (Interlocked.Increment(ref calls) == 2)
                {
                    resubscribing.TrySetResult();
                    gate.Wait(StreamWaits.DefaultTimeout);
                }

                return StompHeaders.Empty;
            },
        }).Subscribe(_ => { });
    }
}

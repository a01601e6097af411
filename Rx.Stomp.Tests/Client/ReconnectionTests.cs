using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The client heals itself: these scenarios drop, silence or refuse it through a scripted loopback peer and check
/// what the user sees. The exact timings of heart-beats and back-off are pinned in virtual time by the operator
/// tests in Reactive/; here the clock is real, delays are short, and every wait is on an observable.
/// </summary>
public class ReconnectionTests
{
    private static readonly BackoffPolicy Fast = new() { InitialDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = BackoffPolicy.Unlimited };

    private static StompClientOptions Options(RawPeer peer) => new()
    {
        Endpoints = [peer.Endpoint],
        Reconnect = Fast,
        ConnectRetry = Fast with { MaxAttempts = 1 },
    };

    [Test]
    public async Task Withheld_heartbeats_end_the_connection_and_it_is_reopened_with_the_watch_subscribed_again()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer) with { Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, TimeSpan.FromMilliseconds(100)) });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        var timeout = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.HeartbeatTimeout);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);

        await peer.ConnectAsync(client, heartbeat: "100,0");
        var received = client.Watch("/queue/a").FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout);
        var first = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendReceiptAsync(first);

        Assert.That((await timeout).Exception, Is.InstanceOf<HeartbeatTimeoutException>());
        Assert.That((await reconnecting).Error, Is.InstanceOf<HeartbeatTimeoutException>());

        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var again = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(again.Headers["id"], Is.EqualTo(first.Headers["id"]), "replayed with the same id");
        Assert.That(again.Headers["destination"], Is.EqualTo("/queue/a"));
        await peer.SendReceiptAsync(again);
        await peer.SendAsync(new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/a"), ("message-id", "m1"), ("subscription", again.Headers["id"]!)), "hi"u8.ToArray()));

        Assert.That((await received).GetBodyText(), Is.EqualTo("hi"));
    }

    [Test]
    public async Task An_ERROR_then_the_end_of_the_connection_loses_the_frames_in_doubt_and_the_watch_is_subscribed_again()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer));
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var received = client.Watch("/queue/a").FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout);
        var first = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        var sending = client.SendAsync("/queue/b", "x", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        // What RabbitMQ sends when an administrator closes the connection: an ERROR about no frame, then the end.
        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "AMQP channel died"))));
        peer.CloseClientConnection();

        Assert.That(async () => await sending.WaitAsync(StreamWaits.DefaultTimeout), Throws.InstanceOf<StompConnectionException>());
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var again = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(again.Headers["id"], Is.EqualTo(first.Headers["id"]), "the watch, not ended as refused");
        await peer.SendReceiptAsync(again);
        await peer.SendAsync(new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/a"), ("message-id", "m1"), ("subscription", again.Headers["id"]!)), "hi"u8.ToArray()));

        Assert.That((await received).GetBodyText(), Is.EqualTo("hi"));
    }

    [Test]
    public async Task Sends_racing_the_end_of_the_connection_wait_for_the_next_one_instead_of_failing()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer));
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.SendAsync("/queue/a", "x");
                }
                catch (StompException e)
                {
                    failures.Enqueue(e);
                }
            }
        })).ToArray();

        // The peer reads what comes, so that no send waits on a full socket when the connection ends.
        await ExpectSendsAsync(peer, 1000).WaitAsync(StreamWaits.DefaultTimeout);
        peer.CloseClientConnection();
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await ExpectSendsAsync(peer, 1000).WaitAsync(StreamWaits.DefaultTimeout);
        await stop.CancelAsync();
        await Task.WhenAll(senders).WaitAsync(StreamWaits.DefaultTimeout);

        // A send whose bytes were being flushed when the connection ended may have left: its failure is honest.
        Assert.That(failures.OfType<ConnectionEndedException>(), Is.Empty, "every send that found the connection ended waited for the next one");
        Assert.That(failures.Select(e => e.Message), Has.All.Contain("ended while the frame was being written"));
    }

    private static async Task ExpectSendsAsync(RawPeer peer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await peer.ExpectAsync(StompCommand.Send);
        }
    }

    [Test]
    public async Task An_idle_client_sends_heartbeats_and_the_beats_count_as_a_sign_of_life_both_ways()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer) with { Heartbeat = new HeartbeatIntervals(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)) });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        var beats = client.Heartbeats.TakeAsync(3);

        await peer.ConnectAsync(client, heartbeat: "50,50");
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await peer.ReadAnyAsync().WaitAsync(StreamWaits.DefaultTimeout))?.IsHeartbeat, Is.True, "the client's beat");
            await peer.SendRawAsync(i % 2 == 0 ? "\n" : "\r\n");
        }

        Assert.That(await beats, Has.Count.EqualTo(3), "LF and CR LF beats both arrive as heart-beats");
        Assert.That(client.IsConnected, Is.True, "beats within the deadline keep the connection");
    }

    [Test]
    public async Task A_drop_fails_pending_receipts_and_old_acks_and_queued_sends_go_out_after_the_resubscribe()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer));
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);

        var delivered = new TaskCompletionSource<StompMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = client.Watch("/queue/a", new SubscribeOptions { Ack = AckMode.ClientIndividual }).Subscribe(m => delivered.TrySetResult(m));
        var message = delivered.Task.WaitAsync(StreamWaits.DefaultTimeout);
        var subscribe = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendReceiptAsync(subscribe);
        await peer.SendAsync(new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/a"), ("message-id", "m1"), ("subscription", subscribe.Headers["id"]!), ("ack", "a1"))));
        var old = await message;
        var unconfirmed = client.SendAsync("/queue/b", "before", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        peer.CloseClientConnection();
        var lost = Assert.ThrowsAsync<StompConnectionException>(() => unconfirmed.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(lost!.Message, Does.Contain("lost before the RECEIPT"));
        await reconnecting;

        var queued = client.SendAsync("/queue/b", "while offline");
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var resubscribe = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(resubscribe.Headers["id"], Is.EqualTo(subscribe.Headers["id"]));
        var send = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(send.GetBodyText(), Is.EqualTo("while offline"), "the queued SEND follows the SUBSCRIBE");
        await queued.WaitAsync(StreamWaits.DefaultTimeout);

        var stale = Assert.ThrowsAsync<StompConnectionException>(() => old.AckAsync());
        Assert.That(stale!.Message, Does.Contain("connection that is gone"));
    }

    [Test]
    public async Task A_refused_login_on_reconnect_is_final_and_ends_every_watch_with_the_reason()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer));
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var ended = client.Watch("/queue/a").Materialize().WhenAsync(n => n.Kind != System.Reactive.NotificationKind.OnNext);
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout));
        var faulted = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Faulted);

        peer.CloseClientConnection();
        await peer.AcceptAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await peer.ExpectAsync(StompCommand.Connect).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "Access refused for user 'guest'"))));
        peer.CloseClientConnection();

        Assert.That((await faulted).Error, Is.InstanceOf<StompErrorException>());
        var end = await ended;
        Assert.That(end.Exception?.Message, Does.Contain("Access refused"));
        Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync("/queue/a", "x"));
    }

    [Test]
    public async Task With_OfflineSends_Fail_a_send_while_reconnecting_fails_at_once()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer) with { OfflineSends = OfflineSends.Fail, Reconnect = Fast with { InitialDelay = TimeSpan.FromMinutes(1) } });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);

        peer.CloseClientConnection();
        await reconnecting;

        Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync("/queue/a", "x"));
    }

    [Test]
    public async Task A_first_connect_to_nothing_gives_up_after_the_attempts_of_ConnectRetry()
    {
        int port;
        await using (var closed = new RawPeer())
        {
            port = closed.Endpoint.Port;
        }

        await using var client = new StompClient(new StompClientOptions
        {
            Endpoints = [new("127.0.0.1", port)],
            ConnectRetry = Fast with { MaxAttempts = 3 },
        });
        var retries = client.State.Where(s => s.Kind == ConnectionStateKind.Reconnecting).Select(s => s.Attempt).ToList().ToTask();

        Assert.ThrowsAsync<StompConnectionException>(() => client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
        await client.DisposeAsync();
        Assert.That(await retries.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(new[] { 2, 3 }), "three attempts: the second and the third are announced");
    }

    [Test]
    public async Task Disposing_while_reconnecting_completes_promptly_and_ends_every_stream()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer) with { Reconnect = Fast with { InitialDelay = TimeSpan.FromMinutes(1) } });
        await peer.ConnectAsync(client);
        var watchEnded = client.Watch("/queue/a").Materialize().WhenAsync(n => n.Kind == System.Reactive.NotificationKind.OnCompleted);
        var stateEnded = client.State.LastAsync().ToTask();
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        peer.CloseClientConnection();
        await reconnecting;

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        await watchEnded;
        Assert.That((await stateEnded.WaitAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(ConnectionStateKind.Disposed));
    }

    [Test]
    public async Task Failover_walks_the_endpoint_list_past_an_endpoint_that_refuses_TCP()
    {
        int closedPort;
        await using (var closed = new RawPeer())
        {
            closedPort = closed.Endpoint.Port;
        }

        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer) with { Endpoints = [new("127.0.0.1", closedPort), peer.Endpoint], PreferLocalhost = false });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);

        await peer.ConnectAsync(client);

        Assert.That(client.CurrentState.Endpoint, Is.EqualTo(peer.Endpoint));
    }

    [Test]
    public async Task A_watchs_header_factory_is_evaluated_again_for_every_SUBSCRIBE()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer));
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var calls = 0;
        using var watch = client.Watch("/queue/a", new SubscribeOptions
        {
            HeadersFactory = () => StompHeaders.Create(("x-generation", (++calls).ToString(System.Globalization.CultureInfo.InvariantCulture))),
        }).Subscribe(_ => { });
        var first = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendReceiptAsync(first);

        peer.CloseClientConnection();
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var second = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((first.Headers["x-generation"], second.Headers["x-generation"]), Is.EqualTo(("1", "2")));
    }

    [Test]
    public async Task The_offline_queue_is_bounded_in_size_and_each_frame_in_time()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(Options(peer) with
        {
            OfflineQueueLimit = 2,
            OfflineTimeout = TimeSpan.FromMilliseconds(300),
            Reconnect = Fast with { InitialDelay = TimeSpan.FromHours(1) },
        });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting && s.NextDelay is not null);
        peer.CloseClientConnection();
        // The retry after the drop fails at once (nobody accepts), which schedules the hour-long back-off.
        await peer.DisposeAsync();
        await reconnecting;

        var first = client.SendAsync("/queue/a", "1");
        var second = client.SendAsync("/queue/a", "2");
        var full = Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync("/queue/a", "3"));
        Assert.That(full!.Message, Does.Contain("OfflineQueueLimit"));

        var late = Assert.ThrowsAsync<StompTimeoutException>(() => first.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(late!.Message, Does.Contain("OfflineTimeout"));
        Assert.ThrowsAsync<StompTimeoutException>(() => second.WaitAsync(StreamWaits.DefaultTimeout));
    }
}

using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>StompClient end to end against the embedded broker, faults included.</summary>
public class BrokerClientTests
{
    /// <summary>
    /// Options that reach <paramref name="broker"/> on a virtual clock that nothing moves: a lost connection is opened
    /// again at once (the first attempt after a loss waits for no delay), and no timer of the client's runs on the
    /// wall clock.
    /// </summary>
    private static StompClientOptions Options(StompBroker broker) => Embedded.Options(broker) with { Scheduler = new TestScheduler() };

    private static Task<StompClient> ConnectAsync(StompBroker broker, Func<StompClientOptions, StompClientOptions>? configure = null) =>
        Embedded.ConnectAsync(broker, o => (configure ?? (c => c))(o with { Scheduler = new TestScheduler() }));

    /// <summary>Subscribes <paramref name="observer"/> to a watch and returns once the broker has the subscription.</summary>
    private static async Task<IDisposable> WatchAsync(StompBroker broker, StompClient client, string destination, IObserver<StompMessage> observer, SubscribeOptions? options = null)
    {
        var subscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.Destination == destination);
        var watch = client.Watch(destination, options).Subscribe(observer);
        await subscribed;
        return watch;
    }

    private sealed class Inbox : IObserver<StompMessage>, IDisposable
    {
        private readonly System.Reactive.Subjects.ReplaySubject<StompMessage> _messages = new();

        public IObservable<StompMessage> Messages => _messages;

        public Task<IList<StompMessage>> TakeAsync(int count) => _messages.TakeAsync(count);

        public void OnNext(StompMessage value) => _messages.OnNext(value);

        public void OnError(Exception error) => _messages.OnError(error);

        public void OnCompleted() => _messages.OnCompleted();

        public void Dispose() => _messages.Dispose();
    }

    [TestCase(StompVersion.V10)]
    [TestCase(StompVersion.V11)]
    [TestCase(StompVersion.V12)]
    public async Task Send_and_receive_through_a_queue_in_each_version(StompVersion version)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker, o => o with { AcceptVersions = [version] });
        Assert.That(client.Version, Is.EqualTo(version));
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/orders", inbox);

        await client.SendAsync("/queue/orders", new byte[] { 1, 0, 2 }, new SendOptions { ContentType = "application/x-bin", Headers = StompHeaders.Create(("order", "42")) });

        var message = (await inbox.TakeAsync(1))[0];
        Assert.That(message.Body.ToArray(), Is.EqualTo(new byte[] { 1, 0, 2 }));
        Assert.That(message.ContentType, Is.EqualTo("application/x-bin"));
        Assert.That(message.Headers["order"], Is.EqualTo("42"));
        Assert.That(message.Destination, Is.EqualTo("/queue/orders"));
    }

    [Test]
    public async Task Disposing_a_watch_unsubscribes_and_leaves_no_subscription_behind()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var watches = new List<IDisposable>();
        for (var i = 0; i < 3; i++)
        {
            watches.Add(await WatchAsync(broker, client, $"/topic/t{i}", new Inbox()));
        }

        Assert.That(broker.SubscriptionCount, Is.EqualTo(3));
        var allGone = broker.Events.Where(e => e.Kind == BrokerEventKind.Unsubscribed).TakeAsync(3);

        watches.ForEach(w => w.Dispose());

        await allGone;
        Assert.That(broker.SubscriptionCount, Is.Zero);
        await client.SendAsync("/topic/t0", "nobody listens", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task Topics_fan_out_to_every_client_watching()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var a = await ConnectAsync(broker);
        await using var b = await ConnectAsync(broker);
        var (inA, inB) = (new Inbox(), new Inbox());
        using var watchA = await WatchAsync(broker, a, "/topic/prices", inA);
        using var watchB = await WatchAsync(broker, b, "/topic/prices", inB);

        await a.SendAsync("/topic/prices", "1.05");

        Assert.That((await inA.TakeAsync(1))[0].GetBodyText(), Is.EqualTo("1.05"));
        Assert.That((await inB.TakeAsync(1))[0].GetBodyText(), Is.EqualTo("1.05"));
    }

    [TestCase(StompVersion.V11)]
    [TestCase(StompVersion.V12)]
    public async Task NACK_from_the_client_gets_the_message_redelivered_and_ACK_settles_it(StompVersion version)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker, o => o with { AcceptVersions = [version] });
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/retry", inbox, new SubscribeOptions { Ack = AckMode.ClientIndividual });

        await client.SendAsync("/queue/retry", "try me");
        var first = (await inbox.TakeAsync(1))[0];
        Assert.That(first.Redelivered, Is.False);
        await first.NackAsync(receipt: true).WaitAsync(StreamWaits.DefaultTimeout);
        var second = (await inbox.TakeAsync(2))[1];
        Assert.That(second.Redelivered, Is.True);
        Assert.That(second.MessageId, Is.EqualTo(first.MessageId));
        Assert.That(broker.GetQueue("/queue/retry").Unacknowledged, Is.EqualTo(1));

        await second.AckAsync(receipt: true).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(broker.GetQueue("/queue/retry"), Is.EqualTo(new BrokerQueueInfo("/queue/retry", 0, 0, 1)));
    }

    [Test]
    public async Task Ack_mode_client_acknowledges_everything_up_to_the_message()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/batch", inbox, new SubscribeOptions { Ack = AckMode.Client });
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync("/queue/batch", $"m{i}");
        }

        var messages = await inbox.TakeAsync(5);
        await messages[3].AckAsync(receipt: true).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(broker.GetQueue("/queue/batch").Unacknowledged, Is.EqualTo(1), "m0..m3 settled by one ACK, m4 left");
    }

    [Test]
    public async Task A_transaction_delivers_its_sends_on_commit_and_nothing_on_abort()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var inbox = new Inbox();

        await using (var aborted = await client.BeginTransactionAsync())
        {
            await aborted.SendAsync("/queue/tx", "never");
            await aborted.AbortAsync().WaitAsync(StreamWaits.DefaultTimeout);
        }

        await using (var committed = await client.BeginTransactionAsync())
        {
            await committed.SendAsync("/queue/tx", "one");
            await committed.SendAsync("/queue/tx", "two", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout);
            Assert.That(broker.GetQueue("/queue/tx").Pending, Is.Zero, "nothing before COMMIT");
            await committed.CommitAsync().WaitAsync(StreamWaits.DefaultTimeout);
        }

        Assert.That(broker.GetQueue("/queue/tx").Pending, Is.EqualTo(2));
        using var watch = await WatchAsync(broker, client, "/queue/tx", inbox);
        Assert.That((await inbox.TakeAsync(2)).Select(m => m.GetBodyText()), Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public async Task An_ack_inside_a_transaction_counts_on_commit()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/txack", inbox, new SubscribeOptions { Ack = AckMode.ClientIndividual });
        await client.SendAsync("/queue/txack", "x");
        var message = (await inbox.TakeAsync(1))[0];

        await using var tx = await client.BeginTransactionAsync();
        await message.AckAsync(tx, receipt: true).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(broker.GetQueue("/queue/txack").Unacknowledged, Is.EqualTo(1));
        await tx.CommitAsync().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(broker.GetQueue("/queue/txack").Unacknowledged, Is.Zero);
    }

    [Test]
    public async Task A_receipt_confirms_a_send_and_a_refused_send_fails_with_the_broker_s_ERROR()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);

        var receipt = await client.SendAsync("/queue/ok", "fine", new SendOptions { Receipt = true }).ContinueWith(t => t.Status);
        Assert.That(receipt, Is.EqualTo(TaskStatus.RanToCompletion));
        Assert.That(broker.GetQueue("/queue/ok").Pending, Is.EqualTo(1));

        var refused = Assert.ThrowsAsync<StompErrorException>(() => client.SendAsync("/nowhere", "x", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.BrokerMessage, Does.Contain("Unknown destination '/nowhere'"));
    }

    [Test]
    public async Task The_client_reconnects_after_DropAllConnections_and_its_watch_receives_again()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/resilient", inbox);
        await client.SendAsync("/queue/resilient", "before");
        await inbox.TakeAsync(1);
        var firstSession = client.CurrentState.Session;
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        var resubscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.SessionId != firstSession);

        Assert.That(broker.Faults.DropAllConnections(), Is.EqualTo(1));

        await reconnecting;
        await resubscribed;
        Assert.That(client.CurrentState.Session, Is.Not.EqualTo(firstSession));
        await client.SendAsync("/queue/resilient", "after");
        Assert.That((await inbox.TakeAsync(2))[1].GetBodyText(), Is.EqualTo("after"));
        Assert.That(broker.SubscriptionCount, Is.EqualTo(1), "the old subscription went with its connection");
    }

    [Test]
    public async Task Unacknowledged_messages_of_a_dropped_client_are_redelivered_after_it_reconnects()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/again", inbox, new SubscribeOptions { Ack = AckMode.ClientIndividual });
        await client.SendAsync("/queue/again", "unacked");
        var first = (await inbox.TakeAsync(1))[0];

        broker.Faults.DropAllConnections();

        var again = (await inbox.TakeAsync(2))[1];
        Assert.That(again.Redelivered, Is.True);
        Assert.That(again.MessageId, Is.EqualTo(first.MessageId));
        Assert.ThrowsAsync<StompConnectionException>(() => first.AckAsync(), "an ack belongs to the connection that delivered the message");
        await again.AckAsync(receipt: true).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(broker.GetQueue("/queue/again").Unacknowledged, Is.Zero);
    }

    [Test]
    public async Task Beating_clients_stay_connected_to_a_broker_that_enforces_heart_beats()
    {
        // On the wall clock: the embedded broker's enforcement over real sockets is the subject, and no observable says
        // when the broker has read a beat, which a virtual clock would need before moving on. A second: on a loaded
        // machine a shorter beat can be missed by a stalled process, which is not what this tests.
        var interval = TimeSpan.FromSeconds(1);
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(interval, interval) });
        await using var client = await Embedded.ConnectAsync(broker, o => o with { Heartbeat = new HeartbeatIntervals(interval, interval) });
        var changes = new List<ConnectionState>();
        using var recording = client.State.Skip(1).Subscribe(changes.Add);

        await client.Heartbeats.TakeAsync(4);

        Assert.That(changes, Is.Empty, "four beats in, still on the first connection");
        Assert.That(broker.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_wrong_passcode_fails_ConnectAsync_and_the_right_one_connects()
    {
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Users = new Dictionary<string, string> { ["bob"] = "pw" } });
        await using (var wrong = new StompClient(Options(broker) with { Login = "bob", Passcode = "nope" }))
        {
            Assert.ThrowsAsync<StompErrorException>(() => wrong.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout));
        }

        await using var right = await ConnectAsync(broker, o => o with { Login = "bob", Passcode = "pw" });
        Assert.That(right.IsConnected, Is.True);
    }

    [Test]
    public async Task An_ERROR_to_all_ends_the_connection_and_the_client_comes_back()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var error = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.ErrorFrame);
        var lost = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        var firstSession = client.CurrentState.Session;
        var back = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected && s.Session != firstSession);

        broker.Faults.SendErrorToAll("Failing over");

        Assert.That((await error).Message, Is.EqualTo("Failing over"));
        Assert.That((await lost).Error, Is.InstanceOf<StompErrorException>().With.Message.Contains("Failing over"), "the ERROR is why the connection ended");
        await back;
    }

    [Test]
    public async Task An_ERROR_that_leaves_the_connection_open_is_not_blamed_for_a_later_drop()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var notice = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.ErrorFrame);
        broker.Faults.SendErrorToAll("Just a notice", close: false);
        await notice;
        var dropReported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Connection);
        var lost = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);

        broker.Faults.DropAllConnections();

        Assert.That((await lost).Error, Is.InstanceOf<StompConnectionException>(), "the reset, not the old ERROR");
        Assert.That((await dropReported).Exception, Is.InstanceOf<StompConnectionException>(), "the loss is reported");
    }

    [Test]
    public async Task Frames_split_into_single_bytes_reach_the_client_intact()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/split", inbox);
        broker.Faults.ChunkSize = 1;
        var body = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();

        await client.SendAsync("/queue/split", body, new SendOptions { Headers = StompHeaders.Create(("h", "a:b\\c")) });

        var message = (await inbox.TakeAsync(1))[0];
        Assert.That(message.Body.ToArray(), Is.EqualTo(body));
        Assert.That(message.Headers["h"], Is.EqualTo("a:b\\c"));
    }

    [Test]
    public async Task DisconnectAsync_gets_its_receipt_and_the_broker_forgets_the_connection()
    {
        await using var broker = await StompBroker.StartAsync();
        var client = await ConnectAsync(broker);
        using var watch = await WatchAsync(broker, client, "/queue/bye", new Inbox());
        var gone = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected);

        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((await gone).Message, Does.Contain("DISCONNECT"));
        Assert.That((broker.ConnectionCount, broker.SubscriptionCount), Is.EqualTo((0, 0)));
        await client.DisposeAsync();
    }

    [Test]
    public async Task A_refused_SUBSCRIBE_fails_only_its_watch_and_the_others_go_on_after_the_reconnect()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker);
        var good = new Inbox();
        using var goodWatch = await WatchAsync(broker, client, "/queue/good", good);
        var errors = client.Errors.Where(e => e.Kind == StompErrorKind.ErrorFrame).TakeAsync(2);
        var firstSession = client.CurrentState.Session;
        var back = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected && s.Session != firstSession);

        var refused = client.Watch("/elsewhere/x").Materialize().WhenAsync(n => n.Kind != System.Reactive.NotificationKind.OnNext);

        var end = await refused;
        Assert.That(end.Exception, Is.InstanceOf<StompErrorException>());
        Assert.That(end.Exception!.Message, Does.Contain("Unknown destination '/elsewhere/x'"));
        await back;
        await client.SendAsync("/queue/good", "still here", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That((await good.TakeAsync(1))[0].GetBodyText(), Is.EqualTo("still here"));
        Assert.That(broker.SubscriptionCount, Is.EqualTo(1), "the refused watch was not subscribed again");
        Assert.That(errors.IsCompleted, Is.False, "one ERROR only: the refused SUBSCRIBE was not sent again");
    }

    [Test]
    public async Task STOMP_1_0_acknowledges_by_message_id()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker, o => o with { AcceptVersions = [StompVersion.V10] });
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/queue/old", inbox, new SubscribeOptions { Ack = AckMode.Client });
        await client.SendAsync("/queue/old", "a");
        await client.SendAsync("/queue/old", "b");
        var messages = await inbox.TakeAsync(2);

        await messages[1].AckAsync(receipt: true).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(broker.GetQueue("/queue/old").Unacknowledged, Is.Zero);
        Assert.ThrowsAsync<NotSupportedException>(() => messages[0].NackAsync());
    }

    [Test]
    public async Task Twenty_clients_at_once_each_get_their_share_of_a_queue_and_every_topic_message()
    {
        const int Clients = 20;
        await using var broker = await StompBroker.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ConnectAsync(broker)));
        try
        {
            var subscribed = broker.Events.Where(e => e.Kind == BrokerEventKind.Subscribed).TakeAsync(2 * Clients);
            var shares = clients.Select(c => c.Watch("/queue/share").Take(1).ToTask()).ToList();
            var news = clients.Select(c => c.Watch("/topic/all").Take(Clients).ToList().ToTask()).ToList();
            await subscribed;

            await Task.WhenAll(clients.Select((c, i) => c.SendAsync("/topic/all", $"from {i}")));
            await Task.WhenAll(clients.Select((c, i) => c.SendAsync("/queue/share", $"job {i}")));

            var jobs = await Task.WhenAll(shares).WaitAsync(StreamWaits.DefaultTimeout);
            Assert.That(jobs.Select(m => m.GetBodyText()).Order(), Is.EquivalentTo(Enumerable.Range(0, Clients).Select(i => $"job {i}")));
            foreach (var received in await Task.WhenAll(news).WaitAsync(StreamWaits.DefaultTimeout))
            {
                Assert.That(received.Select(m => m.GetBodyText()), Is.EquivalentTo(Enumerable.Range(0, Clients).Select(i => $"from {i}")));
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }

        Assert.That(broker.SubscriptionCount, Is.Zero);
    }

    [Test]
    public async Task Sends_with_receipts_across_a_drop_each_complete_or_fail_and_every_confirmed_one_arrives()
    {
        const int Count = 300;
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await ConnectAsync(broker);
        await using var consumer = await ConnectAsync(broker);
        using var received = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        var redelivered = 0;
        var subscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed);
        using var watch = consumer.Watch("/queue/drop", new SubscribeOptions { Ack = AckMode.ClientIndividual })
            .Subscribe(m =>
            {
                received.OnNext(m);
                if (m.Redelivered)
                {
                    Interlocked.Increment(ref redelivered);
                }

                _ = m.AckAsync().ContinueWith(t => t.Exception, TaskScheduler.Default);
            });
        await subscribed;

        var confirmed = new List<string>();
        var failed = 0;
        for (var i = 0; i < Count; i++)
        {
            if (i == Count / 2)
            {
                broker.Faults.DropAllConnections();
            }

            try
            {
                await producer.SendAsync("/queue/drop", $"m{i}", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout);
                confirmed.Add($"m{i}");
            }
            catch (StompConnectionException)
            {
                failed++;
            }
        }

        Assert.That(confirmed.Count + failed, Is.EqualTo(Count));
        Assert.That(confirmed, Has.Count.GreaterThanOrEqualTo(Count - 5), "only sends in flight at the drop may fail");
        var arrived = await received.Select(m => m.GetBodyText()).Distinct().Where(confirmed.Contains).TakeAsync(confirmed.Count);
        Assert.That(arrived, Is.EquivalentTo(confirmed), "every confirmed message arrives, once the consumer is back");
        TestContext.Out.WriteLine($"{failed} failed; {Volatile.Read(ref redelivered)} redelivered");
    }

    [Test]
    public async Task A_client_that_opens_with_the_STOMP_command_and_sends_a_4_MB_body_gets_it_back_intact()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await ConnectAsync(broker, o => o with { UseStompCommand = true });
        var inbox = new Inbox();
        using var watch = await WatchAsync(broker, client, "/topic/large", inbox);
        var body = new byte[4 * 1024 * 1024];
        new Random(7).NextBytes(body);

        await client.SendAsync("/topic/large", body);

        Assert.That((await inbox.TakeAsync(1))[0].Body.ToArray(), Is.EqualTo(body));
    }

    [Test]
    public async Task A_hundred_thousand_messages_pass_through_in_order()
    {
        const int Count = 100_000;
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await ConnectAsync(broker);
        await using var consumer = await ConnectAsync(broker);
        var subscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed);
        // Each body is its number: a message lost, repeated or overtaken shows as the first number out of place.
        var outOfPlace = consumer.Watch("/queue/bulk")
            .Select((m, i) => (Expected: i, Got: int.Parse(m.GetBodyText(), System.Globalization.CultureInfo.InvariantCulture)))
            .Take(Count)
            .FirstOrDefaultAsync(n => n.Expected != n.Got)
            .ToTask();
        await subscribed;

        for (var i = 0; i < Count; i++)
        {
            await producer.SendAsync("/queue/bulk", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.That(await outOfPlace.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(default((int, int))), "(position, body) of the first message out of place");
    }
}

using System.Collections.Concurrent;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// Rx's rules on the paths where they are hardest to keep: faults reported from many threads at once, an observer
/// that blocks, a client disposed from inside its own observer or against a broker that does not answer.
/// </summary>
public class RxContractTests
{
    /// <summary>Counts calls that begin while another call to the same observer is still running.</summary>
    private sealed class OverlapMeter
    {
        private int _inside;
        private int _overlaps;
        private int _calls;

        public int Overlaps => Volatile.Read(ref _overlaps);

        public int Calls => Volatile.Read(ref _calls);

        public void Run(Action body)
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                Interlocked.Increment(ref _overlaps);
            }

            try
            {
                Interlocked.Increment(ref _calls);
                body();
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }
    }

    [Test]
    public async Task Errors_reported_from_several_threads_at_once_reach_an_observer_one_call_at_a_time()
    {
        const int Senders = 4, PerSender = 500;
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var meter = new OverlapMeter();
        // The spin widens each call, so that reports racing each other would overlap inside it.
        using var errors = client.Errors.Subscribe(_ => meter.Run(() => Thread.SpinWait(2_000)));
        var sendFaults = client.Errors.Where(e => e.Exception.Message == "Sent observer").Take(Senders * PerSender).ToTask();
        var messageFaults = client.Errors.Where(e => e.Exception.Message == "Messages observer").Take(Senders * PerSender).ToTask();
        using var watch = await broker.SubscribedAsync("/queue/rx-contract-errors", client.Watch("/queue/rx-contract-errors"), Observer.Create<StompMessage>(_ => { }));
        // Plain observers: one behind an Rx operator would be disposed by Rx at its first throw.
        using var sent = client.Sent.Subscribe(f =>
        {
            if (f.Command == StompCommand.Send)
            {
                throw new InvalidOperationException("Sent observer");
            }
        });
        using var messages = client.Messages.Subscribe(_ => throw new InvalidOperationException("Messages observer"));

        // Faults of Sent observers are reported on the senders' threads, those of Messages observers on the reader.
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerSender; i++)
            {
                await client.SendAsync("/queue/rx-contract-errors", "x");
            }
        })));
        await Task.WhenAll(sendFaults, messageFaults).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(meter.Calls, Is.GreaterThanOrEqualTo(2 * Senders * PerSender));
        Assert.That(meter.Overlaps, Is.Zero, "calls to the Errors observer that overlapped");
    }

    [Test]
    public async Task A_watch_observer_that_blocks_past_the_heartbeat_timeout_does_not_cost_its_connection()
    {
        var scheduler = new TestScheduler();
        // The broker beats every 100 ms and expects nothing; the client watches its beats on a virtual clock.
        await using var broker = await StompBroker.StartAsync(new StompBrokerOptions { Heartbeat = new(TimeSpan.FromMilliseconds(100), TimeSpan.Zero) });
        await using var client = await Embedded.ConnectAsync(broker, o => o with { Scheduler = scheduler, Heartbeat = new(TimeSpan.Zero, TimeSpan.FromMilliseconds(100)) });
        var timeouts = 0;
        using var counting = client.Errors.Where(e => e.Kind == StompErrorKind.HeartbeatTimeout).Subscribe(_ => Interlocked.Increment(ref timeouts));
        using var release = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = await broker.SubscribedAsync("/queue/rx-contract-blocked", client.Watch("/queue/rx-contract-blocked"), Observer.Create<StompMessage>(_ =>
        {
            blocked.TrySetResult();
            release.Wait(StreamWaits.DefaultTimeout);
        }));
        await client.SendAsync("/queue/rx-contract-blocked", "block");
        await blocked.Task.WaitAsync(StreamWaits.DefaultTimeout);

        // Twenty times the 150 ms the client allows between beats, while the handler holds the reader.
        for (var step = 0; step < 300; step++)
        {
            scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);
        }

        Assert.That(Volatile.Read(ref timeouts), Is.Zero, "the silence was the handler's, not the broker's");
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
        release.Set();

        // Once the handler returns, the connection reads on and the broker's beats keep it alive.
        await client.SendFrameAsync(new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/queue/rx-contract-other"))), receipt: true).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(Volatile.Read(ref timeouts), Is.Zero);
        Assert.That(broker.ConnectionCount, Is.EqualTo(1), "one connection from start to end");
    }

    [Test]
    public async Task A_watch_observer_still_running_is_not_called_again_by_the_next_connection()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { DisconnectTimeout = TimeSpan.FromMilliseconds(200) });
        var meter = new OverlapMeter();
        using var release = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = await broker.SubscribedAsync("/queue/rx-contract-next", client.Watch("/queue/rx-contract-next"), Observer.Create<StompMessage>(m => meter.Run(() =>
        {
            if (m.GetBodyText() == "first")
            {
                blocked.TrySetResult();
                release.Wait(StreamWaits.DefaultTimeout);
            }
            else
            {
                second.TrySetResult();
            }
        })));
        await client.SendAsync("/queue/rx-contract-next", "first");
        await blocked.Task.WaitAsync(StreamWaits.DefaultTimeout);

        // A new connection while the handler still runs: the disconnect does not wait for the held reader for ever.
        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var resubscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.Destination == "/queue/rx-contract-next");
        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await resubscribed;
        var arrived = client.Frames.WhenAsync(f => f.Command == StompCommand.Message && f.GetBodyText() == "second");
        await using (var producer = await Embedded.ConnectAsync(broker))
        {
            await producer.SendAsync("/queue/rx-contract-next", "second", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout);
        }

        // The new reader has the message (Frames is called before the watches); a window shows it waits for the call
        // under way: absence can only be shown over a time.
        await arrived;
        Assert.That(await Task.WhenAny(second.Task, Task.Delay(300)), Is.Not.SameAs(second.Task), "the next connection's message waits for the running call");
        release.Set();
        await second.Task.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(meter.Overlaps, Is.Zero);
        Assert.That(meter.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Disposing_the_client_inside_its_own_watch_observer_returns()
    {
        await using var broker = await StompBroker.StartAsync();
        // Were it to wait for the RECEIPT its own reader would bring, it would wait this long.
        var client = await Embedded.ConnectAsync(broker, o => o with { DisconnectTimeout = TimeSpan.FromHours(1) });
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = client.State.LastAsync().ToTask();
        using var watch = await broker.SubscribedAsync("/queue/rx-contract-dispose", client.Watch("/queue/rx-contract-dispose"), Observer.Create<StompMessage>(_ =>
        {
            client.Dispose();
            disposed.TrySetResult();
        }));

        var closed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Disconnected);
        await client.SendAsync("/queue/rx-contract-dispose", "dispose");

        await disposed.Task.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That((await ended.WaitAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(ConnectionStateKind.Disposed));
        await closed;
    }

    [Test]
    public async Task Disposal_against_a_broker_that_never_confirms_DISCONNECT_leaves_no_unobserved_task_exception()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await using var peer = new RawPeer();
                var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], DisconnectTimeout = TimeSpan.FromMilliseconds(50) });
                await peer.ConnectAsync(client);
                await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);
            }

            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            Assert.That(unobserved.Select(e => e.ToString()).Where(e => e.Contains("DISCONNECT", StringComparison.Ordinal)), Is.Empty);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    [Test]
    public async Task Disposal_under_a_virtual_clock_that_nobody_advances_ends_against_a_silent_peer()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions
        {
            Endpoints = [peer.Endpoint],
            Scheduler = new TestScheduler(),
            DisconnectTimeout = TimeSpan.FromMilliseconds(500),
        });
        await peer.ConnectAsync(client);

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disposed));
        Assert.That((await peer.ExpectAsync(StompCommand.Disconnect).WaitAsync(StreamWaits.DefaultTimeout)).Command, Is.EqualTo(StompCommand.Disconnect));
    }
}

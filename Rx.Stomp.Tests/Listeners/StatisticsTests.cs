using System.Diagnostics.Metrics;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Listeners;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Listeners;

/// <summary>Statistics as snapshots, as System.Diagnostics.Metrics counters, and stomp.py's TestListener and WaitingListener.</summary>
public class StatisticsTests
{
    private static readonly HeartbeatIntervals FastBeats = new(TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

    [Test]
    public async Task Snapshots_count_messages_sends_errors_connections_and_heartbeats_apart()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { Heartbeat = FastBeats });
        using var statistics = new System.Reactive.Subjects.ReplaySubject<StompStatistics>();
        using var counting = client.Statistics().Subscribe(statistics);
        var inbox = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/s", client.Watch("/queue/s"), inbox);

        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("/queue/s", "m");
        }

        await inbox.TakeAsync(3);
        await statistics.WhenAsync(s => s.HeartbeatsReceived >= 1);
        broker.Faults.SendErrorToAll("bye");
        // Reconnected after the ERROR: every disconnect so far is followed by a connection.
        var last = await statistics.WhenAsync(s => s.Errors == 1 && s.Connections >= 1 && s.Connections == s.Disconnects);

        Assert.That(last.MessagesSent, Is.EqualTo(3));
        Assert.That(last.MessagesReceived, Is.EqualTo(3));
        Assert.That(last.Disconnects, Is.EqualTo(1 + last.HeartbeatTimeouts), "the ERROR's, and one per heart-beat timeout if a loaded machine caused any");
        Assert.That(last.HeartbeatsReceived, Is.GreaterThanOrEqualTo(1));
        Assert.That(await statistics.WhenAsync(_ => true), Is.EqualTo(StompStatistics.Zero));
    }

    [Test]
    public async Task A_heartbeat_timeout_is_counted()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { Heartbeat = FastBeats });
        using var statistics = new System.Reactive.Subjects.ReplaySubject<StompStatistics>();
        using var counting = client.Statistics().Subscribe(statistics);

        broker.Faults.PauseHeartbeats();

        var counted = await statistics.WhenAsync(s => s.HeartbeatTimeouts == 1);
        Assert.That(counted.Disconnects, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public async Task Metrics_count_on_the_Rx_Stomp_meter_with_the_client_tag()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var measured = new System.Collections.Concurrent.ConcurrentQueue<(string Instrument, long Value, object? Client)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == StompMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tag = tags.ToArray().FirstOrDefault(t => t.Key == "client").Value;
            measured.Enqueue((instrument.Name, value, tag));
        });
        meterListener.Start();
        using var metrics = client.RecordMetrics("metrics-test");

        await client.SendAsync("/queue/m", "1", new SendOptions { Receipt = true });
        await client.SendAsync("/queue/m", "2", new SendOptions { Receipt = true });

        var mine = measured.Where(m => Equals(m.Client, "metrics-test")).ToList();
        Assert.That(mine.Where(m => m.Instrument == "rxstomp.messages.sent").Sum(m => m.Value), Is.EqualTo(2));
    }

    [Test]
    public async Task TestListener_waits_for_the_next_message_keeps_the_latest_and_waits_for_heartbeats()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { Heartbeat = FastBeats });
        using var listener = new TestListener();
        client.SetListener("test", listener);
        using var watch = await broker.SubscribedAsync("/queue/t", client.Watch("/queue/t"), System.Reactive.Observer.Create<StompMessage>(_ => { }));

        await client.SendAsync("/queue/t", "first");
        Assert.That((await listener.WaitForMessageAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("first"));
        await client.SendAsync("/queue/t", "second");
        Assert.That((await listener.WaitForMessageAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("second"));
        Assert.That(listener.LatestMessage!.GetBodyText(), Is.EqualTo("second"));
        await listener.WaitForHeartbeatAsync(StreamWaits.DefaultTimeout);

        Assert.That(listener.Statistics.MessagesReceived, Is.EqualTo(2));
        Assert.That(listener.Statistics.MessagesSent, Is.EqualTo(2));
    }

    [Test]
    public async Task TestListener_waits_are_bounded()
    {
        var clock = new Microsoft.Reactive.Testing.TestScheduler();
        using var timed = new TestListener(clock);

        var waiting = timed.WaitForMessageAsync(TimeSpan.FromSeconds(3));
        clock.AdvanceBy(TimeSpan.FromSeconds(3).Ticks);

        Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(StreamWaits.DefaultTimeout));
        await Task.CompletedTask;
    }

    [Test]
    public async Task A_receipt_asked_for_by_hand_can_be_awaited()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);

        var receipt = client.WaitForReceiptAsync("by-hand-1");
        await client.SendAsync("/queue/r", "x", new SendOptions { Headers = Rx.Stomp.Frames.StompHeaders.Create(("receipt", "by-hand-1")) });

        Assert.That((await receipt).Id, Is.EqualTo("by-hand-1"));
    }

    [Test]
    public async Task A_missing_receipt_times_out_on_the_clients_scheduler()
    {
        await using var broker = await StompBroker.StartAsync();
        var clock = new Microsoft.Reactive.Testing.TestScheduler();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { Scheduler = clock });

        var receipt = client.WaitForReceiptAsync("never", TimeSpan.FromSeconds(2));
        clock.AdvanceBy(TimeSpan.FromSeconds(2).Ticks);

        Assert.ThrowsAsync<StompTimeoutException>(() => receipt.WaitAsync(StreamWaits.DefaultTimeout));
    }

    [Test]
    public async Task Disconnection_can_be_awaited()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);

        var disconnected = client.WaitForDisconnectionAsync(StreamWaits.DefaultTimeout);
        Assert.That(disconnected.IsCompleted, Is.False);
        broker.Faults.DropAllConnections();

        Assert.That((await disconnected).Kind, Is.EqualTo(ConnectionStateKind.Reconnecting));
        await client.DisconnectAsync();
        Assert.That((await client.WaitForDisconnectionAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
    }
}

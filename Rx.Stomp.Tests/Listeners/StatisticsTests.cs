using System.Diagnostics.Metrics;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Listeners;

/// <summary>Statistics as snapshots, as System.Diagnostics.Metrics counters, and stomp.py's TestListener and WaitingListener.</summary>
public class StatisticsTests
{
    [Test]
    public async Task Snapshots_count_messages_sends_errors_connections_and_heartbeats_apart()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        using var statistics = new System.Reactive.Subjects.ReplaySubject<StompStatistics>();
        using var counting = client.Statistics().Subscribe(statistics);
        using var watch = client.Watch("/queue/s", new SubscribeOptions { Receipt = false }).Subscribe(_ => { });
        var subscribe = await first.ExpectAsync(StompCommand.Subscribe);

        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("/queue/s", "out");
            await first.SendMessageAsync(subscribe, "in");
        }

        await first.SendHeartbeatAsync();
        await first.SendErrorAsync("bye");
        first.Close();
        await broker.Transport.AcceptAndConnectAsync();
        // Reconnected after the ERROR: one disconnect, then one connection.
        var last = await statistics.WhenAsync(s => s.Connections == 1);

        Assert.That(last, Is.EqualTo(new StompStatistics(Connections: 1, Disconnects: 1, Errors: 1, MessagesReceived: 3, MessagesSent: 3, HeartbeatsReceived: 1)));
        Assert.That(await statistics.WhenAsync(_ => true), Is.EqualTo(StompStatistics.Zero));
    }

    [Test]
    public async Task A_heartbeat_timeout_is_counted_with_its_disconnect()
    {
        await using var broker = new VirtualBroker();
        var (client, _) = await broker.ConnectAsync(o => o with { Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, TimeSpan.FromSeconds(1)) }, heartbeat: "1000,0");
        using var statistics = new System.Reactive.Subjects.ReplaySubject<StompStatistics>();
        using var counting = client.Statistics().Subscribe(statistics);

        broker.Clock.AdvanceBy(TimeSpan.FromSeconds(1.5));

        var counted = await statistics.WhenAsync(s => s.HeartbeatTimeouts == 1 && s.Disconnects == 1);
        Assert.That(counted, Is.EqualTo(new StompStatistics(Disconnects: 1, HeartbeatTimeouts: 1)));
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
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync();
        using var listener = new TestListener();
        client.SetListener("test", listener);
        using var watch = client.Watch("/queue/t", new SubscribeOptions { Receipt = false }).Subscribe(_ => { });
        var subscribe = await connection.ExpectAsync(StompCommand.Subscribe);

        await client.SendAsync("/queue/t", "first");
        await connection.SendMessageAsync(subscribe, "first");
        Assert.That((await listener.WaitForMessageAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("first"));
        await client.SendAsync("/queue/t", "second");
        await connection.SendMessageAsync(subscribe, "second");
        Assert.That((await listener.WaitForMessageAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("second"));
        Assert.That(listener.LatestMessage!.GetBodyText(), Is.EqualTo("second"));
        var beat = listener.WaitForHeartbeatAsync(StreamWaits.DefaultTimeout);
        await connection.SendHeartbeatAsync();
        await beat;

        Assert.That(listener.Statistics.MessagesReceived, Is.EqualTo(2));
        Assert.That(listener.Statistics.MessagesSent, Is.EqualTo(2));
    }

    [Test]
    public void TestListener_waits_are_bounded_and_not_cut_short()
    {
        var clock = new Microsoft.Reactive.Testing.TestScheduler();
        using var timed = new TestListener(clock);

        var waiting = timed.WaitForMessageAsync(TimeSpan.FromSeconds(3));
        clock.AdvanceBy(TimeSpan.FromSeconds(3).Ticks - 1);
        Assert.That(waiting.IsCompleted, Is.False, "gave up before its timeout");
        clock.AdvanceBy(1);

        Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(StreamWaits.DefaultTimeout));
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
        clock.AdvanceBy(TimeSpan.FromSeconds(2).Ticks - 1);
        Assert.That(receipt.IsCompleted, Is.False, "gave up before its timeout");
        clock.AdvanceBy(1);

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

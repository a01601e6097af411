using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// Real faults on the real RabbitMQ while messages flow: every connection killed, and the broker application
/// stopped and started again. Both clients heal by themselves; with client-individual acks and a producer that
/// resends what was not receipted, every message arrives at least once. Duplicates are counted and printed.
/// </summary>
[TestFixture]
[Category(Broker.ExternalCategory)]
[NonParallelizable]
public sealed class RabbitMqFaultTests
{
    private const int Total = 10_000;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly Broker _broker = Broker.RabbitMq;

    [OneTimeSetUp]
    public Task RequireBroker() => _broker.RequireAsync();

    /// <summary>A real fault, injected while messages flow.</summary>
    public sealed record Fault(string Name, Func<FaultProxy, Task> InjectAsync)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Fault> Faults() =>
    [
        new("every connection killed", _ => RabbitMqCtl.RunAsync("close_all_connections", "rxstomp fault test")),
        new("broker application stopped and started", async _ =>
        {
            await RabbitMqCtl.RunAsync("stop_app");
            await RabbitMqCtl.RunAsync("start_app");
        }),
        new("heart-beats withheld by a connection that stays open", proxy =>
        {
            proxy.SilenceBroker();
            return Task.CompletedTask;
        }),
    ];

    [TestCaseSource(nameof(Faults))]
    public async Task No_message_is_lost_when(Fault fault)
    {
        var queue = $"rxstomp.fault.{Guid.NewGuid():N}";
        var options = _broker.Options() with
        {
            Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = BackoffPolicy.Unlimited },
            OfflineTimeout = Limit,
        };
        await using var proxy = new FaultProxy(_broker.Endpoint);
        // The consumer reaches the broker through the relay and asks it for heart-beats, so that silence is noticed.
        await using var consumer = new StompClient(options with
        {
            Endpoints = [proxy.Endpoint],
            Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, TimeSpan.FromMilliseconds(500)),
        });
        await using var producer = new StompClient(options);
        var timeouts = 0;
        using var counting = consumer.Errors.Subscribe(e => { if (e.Kind == StompErrorKind.HeartbeatTimeout) Interlocked.Increment(ref timeouts); });
        await consumer.ConnectAsync();
        await producer.ConnectAsync();

        var ledger = new DeliveryLedger(Total);
        using var consuming = AtLeastOnce.Consume(consumer, "/queue/" + queue, ledger);
        var sending = AtLeastOnce.SendAllAsync(producer, "/queue/" + queue, Total);

        await ledger.WhenReceived(Total / 3).WaitAsync(Limit);
        await fault.InjectAsync(proxy);

        var resends = await sending.WaitAsync(Limit);
        await ledger.All.WaitAsync(Limit);
        TestContext.Out.WriteLine($"{fault}: {Total} messages, {timeouts} heart-beat timeouts, {resends} resent after a lost receipt; {ledger}");
        await RabbitMqCtl.RunAsync("delete_queue", queue);
    }
}

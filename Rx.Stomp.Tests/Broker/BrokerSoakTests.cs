using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>
/// The soak of <see cref="Brokers.RabbitMqSoakTests"/> on the embedded broker, which drops every connection every
/// half second: a quicker run with many more faults per message, that disturbs no shared broker.
/// </summary>
public sealed class BrokerSoakTests
{
    [Test]
    public async Task Every_message_arrives_while_every_connection_is_dropped_every_half_second()
    {
        const int total = 50_000;
        var limit = TimeSpan.FromMinutes(3);
        await using var broker = await StompBroker.StartAsync();
        var options = new StompClientOptions
        {
            Endpoints = [broker.Endpoint],
            Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(200), MaxAttempts = BackoffPolicy.Unlimited },
            ReceiptTimeout = StreamWaits.DefaultTimeout,
            OfflineTimeout = limit,
        };
        await using var consumer = new StompClient(options);
        await using var producer = new StompClient(options);
        await consumer.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await producer.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        var result = await Soak.RunAsync(producer, consumer, "/queue/soak", total,
            () => Task.FromResult(broker.Faults.DropAllConnections()), TimeSpan.FromMilliseconds(500), limit);

        TestContext.Out.WriteLine($"Embedded broker soak: {result}");
        Assert.That(result.Ledger.Received, Is.EqualTo(total));
        Assert.That((result.Application.Received, result.Application.Duplicates), Is.EqualTo((total, 0)), "each message reaches the application once");
        Assert.That(result.ConsumerReconnects, Is.GreaterThan(0));
        Assert.That(result.Ledger.UnmarkedRedeliveries, Is.Zero, "a message the broker delivered again must be marked redelivered");
    }
}

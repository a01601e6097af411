using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>
/// The soak of <see cref="Brokers.RabbitMqSoakTests"/> on the embedded broker, which drops every connection after each
/// tenth of the messages: a quicker run with many more faults per message, that disturbs no shared broker.
/// </summary>
public sealed class BrokerSoakTests
{
    [Test]
    public async Task Every_message_arrives_while_every_connection_is_dropped_after_each_tenth_of_them()
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
            () => Task.FromResult(broker.Faults.DropAllConnections()), faults: 9, limit);

        TestContext.Out.WriteLine($"Embedded broker soak: {result}");
        Assert.That(result.Ledger.Received, Is.EqualTo(total));
        Assert.That((result.Application.Received, result.Application.Duplicates), Is.EqualTo((total, 0)), "each message reaches the application once");
        // Each drop came after progress the consumer made connected: each one cost it a reconnection.
        Assert.That(result.ConsumerReconnects, Is.GreaterThanOrEqualTo(9));
        Assert.That(result.Resends, Is.LessThanOrEqualTo(9 * Soak.Concurrency), "a drop fails at most the sends in flight, each resent once");
        Assert.That(result.Ledger.UnmarkedRedeliveries, Is.Zero, "a message the broker delivered again must be marked redelivered");
    }
}

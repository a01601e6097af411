using System.Globalization;
using Rx.Stomp.Client;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// The soak: many messages through a RabbitMQ queue with <c>client-individual</c> acks while every connection is
/// killed (<c>rabbitmqctl close_all_connections</c>) after each tenth of the messages. Every message arrives at least once; every
/// duplicate is either the broker's redelivery, marked <c>redelivered</c>, or a resend by the producer after a lost
/// receipt; behind <see cref="Linq.Deduplication.DropDuplicates"/>, the application gets each message once; the heap after
/// full collections stays flat. 100,000 messages by default (the suite); the full million with
/// <c>RXSTOMP_SOAK_MESSAGES=1000000</c> (scripts/soak.sh). It drops every client of the shared RabbitMQ, like
/// <see cref="RabbitMqFaultTests"/>.
/// </summary>
[TestFixture]
[Category(Broker.ExternalCategory)]
[NonParallelizable]
public sealed class RabbitMqSoakTests
{
    /// <summary>The pause between faults; rabbitmqctl itself takes about 3 s more, so a kill comes every 4 s or so.</summary>
    /// <summary>Every connection closed after each tenth of the messages, however fast the machine.</summary>
    private const int Faults = 9;

    /// <summary>The heap holds about 4 MB throughout; a leak of 100 bytes per message would exceed this within 100,000 messages.</summary>
    private const long HeapGrowthBound = 8 * 1024 * 1024;

    private readonly Broker _broker = Broker.RabbitMq;

    private static int Messages =>
        int.TryParse(Environment.GetEnvironmentVariable("RXSTOMP_SOAK_MESSAGES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 100_000;

    [OneTimeSetUp]
    public Task RequireBroker() => _broker.RequireAsync();

    [Test]
    public async Task Every_message_arrives_while_every_connection_is_killed_every_few_seconds()
    {
        var total = Messages;
        var limit = TimeSpan.FromSeconds(Math.Max(300, total / 400));
        var queue = $"rxstomp.soak.{Guid.NewGuid():N}";
        var options = _broker.Options() with
        {
            Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = BackoffPolicy.Unlimited },
            OfflineTimeout = limit,
        };
        await using var consumer = new StompClient(options);
        await using var producer = new StompClient(options);
        await consumer.ConnectAsync();
        await producer.ConnectAsync();

        var result = await Soak.RunAsync(producer, consumer, "/queue/" + queue, total,
            () => RabbitMqCtl.RunAsync("close_all_connections", "rxstomp soak"), Faults, limit);

        TestContext.Out.WriteLine($"RabbitMQ soak: {result}");
        Assert.That(result.Ledger.Received, Is.EqualTo(total));
        Assert.That((result.Application.Received, result.Application.Duplicates), Is.EqualTo((total, 0)), "each message reaches the application once");
        Assert.That(result.ConsumerReconnects, Is.GreaterThanOrEqualTo(Faults), "each closing came after progress the consumer made connected");
        Assert.That(result.Ledger.UnmarkedRedeliveries, Is.Zero, "a message RabbitMQ delivered again must be marked redelivered");
        Assert.That(result.HeapGrowth, Is.LessThan(HeapGrowthBound), result.ToString);
        await RabbitMqCtl.RunAsync("delete_queue", queue);
    }
}

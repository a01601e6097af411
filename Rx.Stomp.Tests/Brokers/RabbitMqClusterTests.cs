using System.Globalization;
using Rx.Stomp.Client;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A RabbitMQ cluster of three nodes (<c>scripts/cluster.sh</c>) and a quorum queue: a producer with receipts and a
/// consumer with <c>client-individual</c> acks, each given the three nodes as a failover URL, while the node under each
/// of them is stopped and started again, twice each (see <see cref="ClusterSoak"/>). Nothing is lost; the duplicates are
/// counted on the wire, and none reaches the application behind <see cref="Linq.Deduplication.DropDuplicates"/>.
/// <c>RXSTOMP_CLUSTER_MESSAGES</c> and <c>RXSTOMP_CLUSTER_STOPS</c> make a longer run (<c>scripts/cluster-soak.sh</c>).
/// The cluster is apart from the CI brokers: stopping its nodes disturbs no other test.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RabbitMqClusterTests
{
    [OneTimeSetUp]
    public Task RequireCluster() => RabbitMqCluster.RequireAsync();

    [Test]
    public async Task Nothing_is_lost_and_no_duplicate_reaches_the_application_while_the_clients_nodes_are_stopped_and_started_again()
    {
        var total = Setting("RXSTOMP_CLUSTER_MESSAGES", 20_000);
        var stops = Setting("RXSTOMP_CLUSTER_STOPS", 4);
        var limit = TimeSpan.FromMinutes(5);
        var queue = $"rxstomp.cluster.{Guid.NewGuid():N}";
        var options = RabbitMqCluster.Options with
        {
            Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = BackoffPolicy.Unlimited },
            ReceiptTimeout = TimeSpan.FromSeconds(10),
            OfflineTimeout = limit,
        };
        // The consumer tries node 1 first and the producer node 2: they start on different nodes.
        await using var consumer = new StompClient(options);
        await using var producer = new StompClient(options with { Endpoints = RabbitMqCluster.StartingAt(options.Endpoints, 2) });
        await consumer.ConnectAsync();
        await producer.ConnectAsync();

        var result = await ClusterSoak.RunAsync(producer, consumer, queue, total, stops, limit);

        TestContext.Out.WriteLine($"RabbitMQ cluster: {result}");
        Assert.That(result.Wire.Received, Is.EqualTo(total), () => $"lost: {string.Join(", ", result.Wire.Missing())}");
        Assert.That((result.Application.Received, result.Application.Duplicates), Is.EqualTo((total, 0)), "each message reaches the application once");
        Assert.That(result.Stops, Has.Count.EqualTo(stops));
        Assert.That(result.Consumer.Reconnects, Is.GreaterThanOrEqualTo((stops + 1) / 2), "the consumer lost its node each time");
        Assert.That(result.Producer.Reconnects, Is.GreaterThanOrEqualTo(stops / 2), "the producer lost its node each time");
        Assert.That(result.Wire.UnmarkedRedeliveries, Is.Zero, "a message RabbitMQ delivered again must be marked redelivered");
        await RabbitMqCluster.CtlAsync(1, "delete_queue", queue);
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
}

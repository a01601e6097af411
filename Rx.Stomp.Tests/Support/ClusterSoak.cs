using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;
using Rx.Stomp.Listeners;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>One node of the cluster stopped under a client, and started again.</summary>
/// <param name="Client">Whose node it was: <c>consumer</c> or <c>producer</c>.</param>
/// <param name="Node">The node (1 to 3).</param>
/// <param name="Killed">SIGKILL (a crash) rather than SIGTERM (a clean shutdown).</param>
/// <param name="Leader">Whether it led the quorum queue when stopped.</param>
/// <param name="Down">From the stop until the node took STOMP connections again.</param>
internal sealed record NodeStop(string Client, int Node, bool Killed, bool Leader, TimeSpan Down)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Client}'s node {Node}{(Leader ? " (the queue's leader)" : "")} {(Killed ? "killed" : "stopped")}, down {Down.TotalSeconds:0} s");
}

/// <summary>What a cluster run measured.</summary>
/// <param name="Wire">Every delivery to the consumer.</param>
/// <param name="Application">What passed <see cref="Deduplication.DropDuplicates"/>.</param>
/// <param name="Filter">The de-duplication's counts.</param>
/// <param name="Resends">Sends repeated after a lost or refused receipt.</param>
/// <param name="Stops">The node stops, in order.</param>
/// <param name="Producer">The producer's connections and errors (no longer listening).</param>
/// <param name="Consumer">The consumer's connections and errors (no longer listening).</param>
/// <param name="Elapsed">Wall time of the run.</param>
internal sealed record ClusterSoakResult(DeliveryLedger Wire, DeliveryLedger Application, DuplicateFilter Filter, int Resends,
    IReadOnlyList<NodeStop> Stops, ClientLog Producer, ClientLog Consumer, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Wire.Total} messages in {Elapsed.TotalSeconds:0} s through a quorum queue, {Stops.Count} node stops ({string.Join("; ", Stops)}); " +
        $"reconnects: producer {Producer.Reconnects}, consumer {Consumer.Reconnects}; errors reported: producer {Producer.Errors}, consumer {Consumer.Errors} " +
        $"(first: {string.Join(" | ", Producer.FirstErrors.Concat(Consumer.FirstErrors).Take(4))}); {Resends} sends repeated; " +
        $"on the wire: {Wire}; to the application: {Application.Received} received, {Application.Duplicates} duplicates (filter: {Filter})");
}

/// <summary>
/// At-least-once messaging through a quorum queue of the <see cref="RabbitMqCluster"/> while the node under the consumer,
/// then the one under the producer, and so on, is stopped and started again. The messages go in rounds: half a round is
/// sent, then the node is stopped while the other half is being sent (and the consumer is still taking the first), the
/// round must arrive in full through the two nodes left, and the node is started again before the next round. The
/// first half of the stops are clean shutdowns, the others kills.
/// </summary>
internal static class ClusterSoak
{
    /// <summary>Sends at once, each awaiting its receipt (RabbitMQ's publisher confirm: the message is on a majority).</summary>
    private const int Concurrency = 32;

    /// <summary>The queue's arguments on SUBSCRIBE and SEND: RabbitMQ declares the queue with both, and they must agree.</summary>
    public static readonly StompHeaders QuorumQueue = StompHeaders.Create(("x-queue-type", "quorum"));

    /// <summary>
    /// Runs <paramref name="total"/> messages through the quorum queue <paramref name="queue"/> with
    /// <paramref name="stops"/> node stops; every wait is bounded by <paramref name="limit"/>.
    /// </summary>
    public static async Task<ClusterSoakResult> RunAsync(StompClient producer, StompClient consumer, string queue, int total, int stops, TimeSpan limit)
    {
        // Measures the run's duration for its report; it synchronises nothing (the ledgers' waits do).
        var clock = Stopwatch.StartNew();
        using var producerLog = new ClientLog(producer);
        using var consumerLog = new ClientLog(consumer);
        var wire = new DeliveryLedger(total);
        var application = new DeliveryLedger(total);
        var filter = Soak.NewWindow(consumer);
        var destination = "/queue/" + queue;
        var message = QuorumQueue.Add("persistent", "true");
        // The SUBSCRIBE declares the queue; its leader is then on the consumer's node.
        var subscribed = consumer.WaitForSubscriptionAsync(destination);
        using var consuming = AtLeastOnce.ConsumeOnce(consumer, destination, wire, filter, application, QuorumQueue);
        await subscribed;

        var done = new List<NodeStop>();
        var resends = 0;
        var round = total / (stops + 1);
        Task<int> SendAsync(int from, int count) =>
            AtLeastOnce.SendRangeAsync(producer, destination, from, count, Concurrency, message).WaitAsync(limit);

        for (var r = 0; r < stops; r++)
        {
            var first = r * round;
            var half = round / 2;
            // Asked before the round's traffic: the CLI takes seconds, and must be done before a node goes down.
            var leader = await LeaderAsync(queue);
            resends += await SendAsync(first, half);
            var (name, target) = r % 2 == 0 ? ("consumer", consumer) : ("producer", producer);
            var node = RabbitMqCluster.NodeOf(await ConnectedToAsync(target, limit));
            var kill = r >= stops / 2;
            // Measures how long the node was down, for the report; the waits on the ledger and the node synchronise.
            var down = Stopwatch.StartNew();
            var stopping = RabbitMqCluster.StopNodeAsync(node, kill);
            try
            {
                resends += await SendAsync(first + half, round - half);
                await stopping;
                await application.WhenReceived(first + round).WaitAsync(limit);
            }
            finally
            {
                // Also when the round fails: the next run, and every other test of the cluster, needs all three nodes.
                await stopping.ContinueWith(_ => { }, TaskScheduler.Default);
                await RabbitMqCluster.StartNodeAsync(node);
            }

            done.Add(new NodeStop(name, node, kill, leader == node, down.Elapsed));
        }

        // The last round, with every node up.
        resends += await SendAsync(stops * round, total - (stops * round));
        await application.All.WaitAsync(limit);
        return new ClusterSoakResult(wire, application, filter, resends, done, producerLog, consumerLog, clock.Elapsed);
    }

    /// <summary>
    /// Where <paramref name="client"/> is connected: at once when it is; else once it is again, which may take a while
    /// when RabbitMQ keeps closing the connection (see the README on publisher nacks).
    /// </summary>
    private static async Task<StompEndpoint> ConnectedToAsync(StompClient client, TimeSpan limit) =>
        (await client.State.FirstAsync(s => s.Kind == ConnectionStateKind.Connected).ToTask().WaitAsync(limit)).Endpoint!;

    /// <summary>The node that leads <paramref name="queue"/>, as node 1 sees it (<c>rabbitmqctl list_queues name leader</c>).</summary>
    private static async Task<int> LeaderAsync(string queue)
    {
        var listing = await RabbitMqCluster.CtlAsync(1, "-q", "list_queues", "name", "leader");
        var leader = listing.Split('\n').Select(line => line.Split('\t')).FirstOrDefault(columns => columns.Length == 2 && columns[0] == queue)?[1].Trim();
        return leader is null ? 0 : RabbitMqCluster.NodeNamed(leader);
    }
}

using Rx.Stomp.Client;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// <see cref="Broker.ManySubscriptionsTests"/> against RabbitMQ: a thousand watches on one connection, and fifty
/// clients, churned from many threads while messages flow; <c>rabbitmqctl list_consumers</c> then lists exactly the
/// live subscriptions of the run, and after their disposal none. (No fault injected: that is the soak's part, and it
/// would disturb every other user of the shared broker.)
/// </summary>
[TestFixture]
[Category(Broker.ExternalCategory)]
[NonParallelizable]
public sealed class RabbitMqManySubscriptionsTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);
    private readonly Broker _broker = Broker.RabbitMq;

    [OneTimeSetUp]
    public Task RequireBroker() => _broker.RequireAsync();

    private StompClientOptions Options() => _broker.Options() with { ReceiptTimeout = TimeSpan.FromSeconds(30), OfflineTimeout = Settle };

    /// <summary>
    /// Lists RabbitMQ's consumers until <paramref name="done"/> holds of this run's count. Polled, for nothing tells a
    /// client when RabbitMQ's consumer table changes: a disposed watch's UNSUBSCRIBE has no receipt, and RabbitMQ drops
    /// the consumers of a closed connection in the background. The listings follow one another with no pause between
    /// them: each is a <c>rabbitmqctl</c> run (a second or two), awaited, which paces the loop.
    /// </summary>
    private static async Task WhenConsumers(SubscriptionChurn churn, Func<int, bool> done)
    {
        var deadline = DateTime.UtcNow + Settle;
        for (var listed = await churn.RabbitMqConsumersAsync(); !done(listed); listed = await churn.RabbitMqConsumersAsync())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"RabbitMQ still lists {listed} consumers of {churn.Run} after {Settle}.");
            }
        }
    }

    [Test]
    public async Task A_thousand_watches_on_one_connection_churned_concurrently_leave_exactly_the_live_consumers_then_none()
    {
        await using var producer = new StompClient(Options());
        await using var consumer = new StompClient(Options());
        await producer.ConnectAsync();
        await consumer.ConnectAsync();
        var errorFrames = 0;
        using var errors = consumer.Errors.Subscribe(e => Interlocked.Increment(ref errorFrames));
        var run = SubscriptionChurn.NewRun();
        var churn = new SubscriptionChurn(run, SubscriptionChurn.TopicsFor(run, 50));
        using var stop = new CancellationTokenSource();
        var flood = churn.FloodAsync(producer, stop.Token);

        await churn.SubscribeAsync(consumer, 0, 1000).WaitAsync(Settle);
        await WhenConsumers(churn, n => n == churn.Live);

        churn.DisposeAll();
        await WhenConsumers(churn, n => n == 0);
        await stop.CancelAsync();
        await flood.WaitAsync(Settle);
        // RabbitMQ's receipt-less ERRORs for deliveries that raced an UNSUBSCRIBE: each one a probe, none a lost watch.
        TestContext.Out.WriteLine($"{churn.Received} messages received during the churn; {errorFrames} ERROR frames");
        Assert.That(churn.Received, Is.GreaterThan(0), "messages flowed during the churn");
        await SubscriptionChurn.AssertUsableAsync(producer, consumer, $"/queue/rxstomp.test.{run}");
        await RabbitMqCtl.RunAsync("delete_queue", $"rxstomp.test.{run}");
    }

    [Test]
    public async Task Fifty_clients_churning_watches_concurrently_and_some_disposed_midway_leave_no_consumer()
    {
        await using var producer = new StompClient(Options());
        await producer.ConnectAsync();
        var run = SubscriptionChurn.NewRun();
        var topics = SubscriptionChurn.TopicsFor(run, 10);
        var all = new SubscriptionChurn(run, topics);
        using var stop = new CancellationTokenSource();
        var flood = all.FloodAsync(producer, stop.Token);

        var clients = Enumerable.Range(0, 50).Select(_ => new StompClient(Options())).ToList();
        var churns = clients.Select(_ => new SubscriptionChurn(run, topics)).ToList();
        await Task.WhenAll(clients.Select(c => c.ConnectAsync())).WaitAsync(Settle);
        await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            var subscribing = churns[i].SubscribeAsync(client, i * 20, 20);
            if (i % 10 == 9)
            {
                await client.DisposeAsync();
            }

            await subscribing;
        }))).WaitAsync(Settle);
        await WhenConsumers(all, n => n == Enumerable.Range(0, 50).Where(i => i % 10 != 9).Sum(i => churns[i].Live));

        await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            churns[i].DisposeAll();
            await client.DisposeAsync();
        }))).WaitAsync(Settle);
        await WhenConsumers(all, n => n == 0);
        await stop.CancelAsync();
        await flood.WaitAsync(Settle);
        Assert.That(churns.Sum(c => c.Received), Is.GreaterThan(0), "messages flowed during the churn");
    }
}

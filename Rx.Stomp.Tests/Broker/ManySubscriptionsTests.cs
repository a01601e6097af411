using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary>
/// A thousand watches on one connection, and fifty clients in one process, subscribing and disposing from many
/// threads at once while messages flow: the broker ends up with exactly the live subscriptions, then none; nothing
/// deadlocks (every wait is bounded); the client is usable afterwards. <see cref="Brokers.RabbitMqManySubscriptionsTests"/>
/// runs the same against RabbitMQ.
/// </summary>
public sealed class ManySubscriptionsTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    private static StompClientOptions Options(StompBroker broker) => new()
    {
        Endpoints = [broker.Endpoint],
        Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100), MaxAttempts = BackoffPolicy.Unlimited },
        ReceiptTimeout = StreamWaits.DefaultTimeout,
        OfflineTimeout = Settle,
    };

    /// <summary>Completes once the broker's subscription count satisfies <paramref name="done"/>.</summary>
    private static Task<Unit> WhenSubscriptions(StompBroker broker, Func<int, bool> done) => WhenBroker(broker, b => done(b.SubscriptionCount));

    /// <summary>Completes once <paramref name="done"/> holds of the broker: checked now and after every broker event (the events follow the changes).</summary>
    private static Task<Unit> WhenBroker(StompBroker broker, Func<StompBroker, bool> done) =>
        Observable.Merge(broker.Events.Select(_ => Unit.Default), Observable.Return(Unit.Default))
            .FirstAsync(_ => done(broker))
            .ToTask()
            .WaitAsync(Settle);

    [TestCase(false, TestName = "A_thousand_watches_on_one_connection_churned_concurrently_leave_exactly_the_live_ones_then_none")]
    [TestCase(true, TestName = "A_thousand_watches_churned_concurrently_across_dropped_connections_leave_exactly_the_live_ones_then_none")]
    public async Task A_thousand_watches_on_one_connection(bool dropConnections)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var producer = new StompClient(Options(broker));
        await using var consumer = new StompClient(Options(broker));
        await producer.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await consumer.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var run = SubscriptionChurn.NewRun();
        var churn = new SubscriptionChurn(run, SubscriptionChurn.TopicsFor(run, 50));
        using var stop = new CancellationTokenSource();
        var flood = churn.FloodAsync(producer, stop.Token);

        var subscribing = churn.SubscribeAsync(consumer, 0, 1000);
        for (var drops = 0; dropConnections && drops < 3 && !subscribing.IsCompleted; drops++)
        {
            await consumer.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
            broker.Faults.DropAllConnections();
        }

        await subscribing.WaitAsync(Settle);
        await consumer.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        TestContext.Out.WriteLine($"{churn.Received} messages received during the churn");
        Assert.That(churn.Live, Is.EqualTo(333));
        await WhenSubscriptions(broker, n => n == churn.Live);

        churn.DisposeAll();
        await WhenSubscriptions(broker, n => n == 0);
        await stop.CancelAsync();
        await flood.WaitAsync(Settle);
        Assert.That(churn.Received, Is.GreaterThan(0), "messages flowed during the churn");
        await SubscriptionChurn.AssertUsableAsync(producer, consumer, $"/queue/{run}.after");
    }

    [Test]
    public async Task Fifty_clients_churning_watches_concurrently_and_some_disposed_midway_leave_no_subscription_and_no_connection()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var producer = new StompClient(Options(broker));
        await producer.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var run = SubscriptionChurn.NewRun();
        var topics = SubscriptionChurn.TopicsFor(run, 10);
        using var stop = new CancellationTokenSource();
        var flood = new SubscriptionChurn(run, topics).FloodAsync(producer, stop.Token);

        var clients = Enumerable.Range(0, 50).Select(_ => new StompClient(Options(broker))).ToList();
        var churns = clients.Select(_ => new SubscriptionChurn(run, topics)).ToList();
        await Task.WhenAll(clients.Select(c => c.ConnectAsync())).WaitAsync(Settle);
        var working = clients.Select((client, i) => Task.Run(async () =>
        {
            var subscribing = churns[i].SubscribeAsync(client, i * 20, 20);
            if (i % 10 == 9)
            {
                // Disposed while its watches come and go: they end, and its connection with its subscriptions goes.
                await client.DisposeAsync();
            }

            await subscribing;
        })).ToList();
        await Task.WhenAll(working).WaitAsync(Settle);

        var surviving = Enumerable.Range(0, 50).Where(i => i % 10 != 9).ToList();
        await WhenSubscriptions(broker, n => n == surviving.Sum(i => churns[i].Live));
        Assert.That(broker.ConnectionCount, Is.EqualTo(1 + surviving.Count));

        await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            churns[i].DisposeAll();
            await client.DisposeAsync();
        }))).WaitAsync(Settle);
        await WhenSubscriptions(broker, n => n == 0);
        await stop.CancelAsync();
        await flood.WaitAsync(Settle);
        Assert.That(churns.Sum(c => c.Received), Is.GreaterThan(0), "messages flowed during the churn");
        await WhenBroker(broker, b => b.ConnectionCount == 1);
    }

    [Test]
    public async Task Watches_disposed_while_a_reconnect_subscribes_them_again_leave_no_subscription()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = new StompClient(Options(broker));
        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var watches = Enumerable.Range(0, 1000).Select(i => client.Watch($"/topic/resume.{i % 10}").Subscribe(_ => { })).ToList();
        await WhenSubscriptions(broker, n => n == 1000);
        var first = broker.SessionIds.Single();

        // Disposed from many threads as soon as the broker sees the first SUBSCRIBE on the new connection: while the
        // client writes the others. (Events of the first connection may still be on their way: they are not it.)
        var resubscribing = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.SessionId != first);
        broker.Faults.DropAllConnections();
        await resubscribing;
        Parallel.ForEach(watches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, watch => watch.Dispose());

        await WhenSubscriptions(broker, n => n == 0);
        await SubscriptionChurn.AssertUsableAsync(client, client, "/queue/resume.after");
    }
}

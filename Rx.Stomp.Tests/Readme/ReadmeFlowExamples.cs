using System.Reactive.Linq;
using System.Reactive.Subjects;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Linq;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Readme;

/// <summary>
/// README "Flow control and durable subscriptions": its code, compiled and run against the embedded broker. Each
/// <c>#region README name</c> here must stand in README.md as it is.
/// </summary>
public class ReadmeFlowExamples
{
    [Test]
    public async Task A_prefetch_window_keeps_the_rest_on_the_broker_until_the_consumer_catches_up()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        for (var i = 1; i <= 50; i++)
        {
            await client.SendAsync("/queue/jobs", $"job {i}", new SendOptions { Receipt = true });
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processed = new ReplaySubject<string>();
        async Task ProcessAsync(string job, CancellationToken cancellationToken)
        {
            await gate.Task.WaitAsync(cancellationToken);
            processed.OnNext(job);
        }

        // The broker hands the window over as it takes the SUBSCRIBE, before this event.
        var subscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed);

        #region README prefetch
        // At most 20 jobs delivered and not yet acknowledged: the broker keeps the rest until this consumer catches up,
        // so a slow handler holds 20 messages in memory, not the whole queue.
        using var work = client.Watch("/queue/jobs", new SubscribeOptions { Ack = AckMode.ClientIndividual, Prefetch = 20 })
            .Select(m => Observable.FromAsync(async ct => { await ProcessAsync(m.Text(), ct); await m.AckAsync(cancellationToken: ct); }))
            .Concat()
            .Subscribe();
        #endregion

        await subscribed;
        Assert.That(broker.GetQueue("/queue/jobs"), Is.EqualTo(new BrokerQueueInfo("/queue/jobs", 30, 20, 1)));
        gate.SetResult();
        Assert.That(await processed.TakeAsync(50), Is.EqualTo(Enumerable.Range(1, 50).Select(i => $"job {i}")));
    }

    [Test]
    public async Task A_durable_subscription_keeps_what_came_while_the_service_was_down_until_it_is_removed()
    {
        await using var broker = await StompBroker.StartAsync();
        var options = Embedded.Options(broker);
        var audited = new ReplaySubject<string>();
        void Audit(string order) => audited.OnNext(order);

        async Task RunServiceAsync(Func<StompClient, Task> meanwhile)
        {
            #region README durable
            // The same ClientId and name on every run: what the topic got while the service was down comes when it is back.
            await using var client = new StompClient(options with { ClientId = "billing" });
            await client.ConnectAsync();
            using var audit = client.Watch("/topic/orders", new SubscribeOptions { Durable = new("billing-audit") })
                .Subscribe(m => Audit(m.Text()));
            #endregion

            await meanwhile(client);
        }

        var subscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed);
        await RunServiceAsync(_ => subscribed);
        await using var shop = await Embedded.ConnectAsync(broker);
        await shop.SendAsync("/topic/orders", "order 1", new SendOptions { Receipt = true });
        await shop.SendAsync("/topic/orders", "order 2", new SendOptions { Receipt = true });

        await RunServiceAsync(async client =>
        {
            Assert.That(await audited.TakeAsync(2), Is.EqualTo(new[] { "order 1", "order 2" }));

            #region README remove-durable
            // Disposing the watch only detaches; once the subscription is not wanted any more, remove it from the broker.
            await client.RemoveDurableSubscriptionAsync("/topic/orders", "billing-audit");
            #endregion
        });

        Assert.That(broker.GetDurableSubscription("billing-audit"), Is.Null);
    }

    [Test]
    public void The_readme_shows_the_flow_control_code_as_it_is_here()
    {
        var readme = File.ReadAllText(Path.Combine(ReadmeExamples.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var regions = ReadmeExamples.Recipes(ReadmeExamples.RepositoryFile("Rx.Stomp.Tests", "Readme", "ReadmeFlowExamples.cs"));

        Assert.That(regions.Keys, Is.EquivalentTo(new[] { "prefetch", "durable", "remove-durable" }));
        Assert.Multiple(() =>
        {
            foreach (var (name, code) in regions)
            {
                Assert.That(readme, Does.Contain(code), $"README.md does not show '{name}' as Readme/ReadmeFlowExamples.cs has it.");
            }
        });
    }
}

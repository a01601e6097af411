using System.Reactive.Subjects;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Broker;

/// <summary><see cref="Deduplication.DropDuplicates"/> on a watch of the embedded broker: what it acknowledges, and what not.</summary>
public sealed class DeduplicationBrokerTests
{
    private static SendOptions Job(string id) => new() { Headers = StompHeaders.Create(("job-id", id)) };

    [Test]
    public async Task A_redelivery_after_a_lost_connection_is_dropped_and_acknowledged_so_the_broker_forgets_it()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var filter = new DuplicateFilter(100, TimeSpan.FromMinutes(1), client.Options.Scheduler);
        var handled = new ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/jobs",
            client.Watch("/queue/jobs", new SubscribeOptions { Ack = AckMode.ClientIndividual }).DropDuplicates(m => m.Headers["job-id"], filter),
            handled);

        // The handler has the job, and has not acknowledged it yet, when the connection dies: the broker delivers it again.
        await client.SendAsync("/queue/jobs", "work", Job("7"));
        var first = await handled.WhenAsync(_ => true);
        var acknowledged = client.Sent.WhenAsync(f => f.Command == StompCommand.Ack);
        var requeued = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Requeued);
        broker.Faults.DropAllConnections();
        await requeued;

        await acknowledged;
        await client.SendAsync("/queue/elsewhere", "after the ACK", new SendOptions { Receipt = true });

        Assert.That(first.Redelivered, Is.False);
        Assert.That(broker.GetQueue("/queue/jobs"), Is.EqualTo(new BrokerQueueInfo("/queue/jobs", 0, 0, 1)), "the redelivery was acknowledged");
        Assert.That((filter.Passed, filter.Dropped), Is.EqualTo((1L, 1L)), "handled once, dropped once");
    }

    [Test]
    public async Task Without_acknowledge_a_dropped_duplicate_is_not_acknowledged()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var filter = new DuplicateFilter(100, TimeSpan.FromMinutes(1), client.Options.Scheduler);
        var handled = new ReplaySubject<StompMessage>();
        var sent = new ReplaySubject<Frame>();
        using var recording = client.Sent.Subscribe(sent);
        using var watch = await broker.SubscribedAsync("/queue/jobs",
            client.Watch("/queue/jobs").DropDuplicates(m => m.Headers["job-id"], filter, acknowledge: false), handled);

        await client.SendAsync("/queue/jobs", "work", Job("7"));
        await client.SendAsync("/queue/jobs", "the same work, sent again", Job("7"));
        await client.SendAsync("/queue/jobs", "other work", Job("8"));
        var received = await handled.TakeAsync(2);
        await client.SendAsync("/queue/elsewhere", "after the duplicate", new SendOptions { Receipt = true });
        sent.OnCompleted();

        Assert.That(received.Select(m => m.Headers["job-id"]), Is.EqualTo(new[] { "7", "8" }));
        Assert.That(filter.Dropped, Is.EqualTo(1));
        Assert.That(await sent.TakeAsync(int.MaxValue), Has.None.Matches<Frame>(f => f.Command == StompCommand.Ack));
    }
}

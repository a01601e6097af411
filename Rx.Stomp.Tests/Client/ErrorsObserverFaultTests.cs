using System.Reactive.Concurrency;
using System.Collections.Concurrent;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// An observer of <see cref="StompClient.Errors"/> that throws is logged, not reported to <c>Errors</c>: a report would
/// call that observer again, which would throw again, without end.
/// </summary>
public class ErrorsObserverFaultTests
{
    // Delivered on the readers, or through a delivery scheduler: each has its own way of catching an observer's fault.
    [TestCase(false)]
    [TestCase(true)]
    public async Task An_Errors_observer_that_throws_is_logged_and_its_fault_is_not_reported_back_to_Errors(bool deliveryScheduler)
    {
        using var logs = new CapturingLoggerFactory();
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { LoggerFactory = logs, DeliveryScheduler = deliveryScheduler ? TaskPoolScheduler.Default : null });
        var seen = new BlockingCollection<string>();
        // Each SEND's Sent observer fault is an error to report: two of them, one after the other.
        using var sent = client.Sent.Subscribe(f =>
        {
            if (f.Command == StompCommand.Send)
            {
                throw new InvalidOperationException(f.Headers["marker"]);
            }
        });
        string? first, second;
        // Subscribed first, so that a report of its fault would be queued before anything the test does next; and gone
        // before the asserts, so that such reports could not go on without end.
        using (client.Errors.Subscribe(_ => throw new InvalidOperationException("Errors observer")))
        using (client.Errors.Subscribe(e => seen.Add(e.Exception.Message)))
        {
            await client.SendAsync("/queue/errors-fault", "x", new SendOptions { Headers = StompHeaders.Create(("marker", "first")) });
            seen.TryTake(out first, StreamWaits.DefaultTimeout);
            await client.SendAsync("/queue/errors-fault", "x", new SendOptions { Headers = StompHeaders.Create(("marker", "second")) });
            seen.TryTake(out second, StreamWaits.DefaultTimeout);
        }

        Assert.That(new[] { first, second }, Is.EqualTo(new[] { "first", "second" }), "nothing reported between the two");
        Assert.That(logs.Text, Does.Contain("An observer threw; the client goes on").And.Contain("Errors observer"));
    }
}

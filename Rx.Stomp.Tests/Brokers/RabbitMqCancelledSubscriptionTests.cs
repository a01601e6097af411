using Rx.Stomp.Client;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A queue deleted under a watch: RabbitMQ cancels the consumer and says so in an ERROR that names the subscription
/// ("Server cancelled subscription"). That watch ends with the ERROR instead of silently receiving nothing more; the
/// others and the connection go on.
/// </summary>
[TestFixture]
[Category(Broker.ExternalCategory)]
public sealed class RabbitMqCancelledSubscriptionTests() : BrokerTest(Broker.RabbitMq)
{
    [Test]
    public async Task A_queue_deleted_under_a_watch_ends_that_watch_with_the_brokers_ERROR_and_the_client_goes_on()
    {
        var client = await ConnectAsync();
        var deleted = NewQueue("deleted");
        var kept = NewQueue("kept");
        var ending = Record(client.Watch(deleted));
        var other = Record(client.Watch(kept));
        await Within(client.SendAsync(deleted, "before", WithReceipt), "the RECEIPT of SEND");
        Assert.That(Bodies(await ending.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "before" }));

        await RabbitMqCtl.RunAsync("delete_queue", deleted["/queue/".Length..]);

        var error = await ending.ErrorAsync(Timeout);
        Assert.That(error, Is.TypeOf<StompErrorException>());
        Assert.That(((StompErrorException)error).BrokerMessage, Is.EqualTo("Server cancelled subscription"));
        await Within(client.SendAsync(kept, "after", WithReceipt), "the RECEIPT of SEND");
        Assert.That(Bodies(await other.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "after" }));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
    }
}

using Rx.Stomp.Client;
using Rx.Stomp.Linq;
using Rx.Stomp.Requests;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>Request/reply on RabbitMQ, with its temporary reply queues and with a named reply queue.</summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.Brokers))]
public class RequestReplyBrokerTests(Broker broker) : BrokerTest(broker)
{
    private static Task<Reply> Echo(StompMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Reply.Text("echo:" + request.Text()));

    [Test]
    public async Task A_request_through_a_temporary_reply_queue_gets_its_reply()
    {
        if (!Broker.IsRabbitMq)
        {
            Assert.Ignore("/temp-queue/ is RabbitMQ's.");
        }

        var server = await ConnectAsync();
        var client = await ConnectAsync();
        var queue = NewQueue("rpc");
        var served = Record(server.Replies(queue, Echo));
        await Within(client.SendAsync(queue, "warm-up", new SendOptions { Receipt = true }), "warm-up receipt");
        await served.TakeAsync(1, Timeout);

        var reply = await client.RequestAsync(queue, "ping"u8.ToArray(), new RequestOptions { Timeout = Timeout });

        Assert.That(reply.Text(), Is.EqualTo("echo:ping"));
        Assert.That(served.Items[1].ReplyTo(), Does.StartWith("/reply-queue/"), "RabbitMQ rewrites reply-to into the temporary queue's name");
        Assert.That(reply.CorrelationId(), Is.EqualTo(served.Items[1].CorrelationId()));
    }

    [Test]
    public async Task A_request_through_a_named_reply_queue_gets_its_reply()
    {
        var server = await ConnectAsync();
        var client = await ConnectAsync();
        var queue = NewQueue("rpc");
        var served = Record(server.Replies(queue, Echo));
        await Within(client.SendAsync(queue, "warm-up", new SendOptions { Receipt = true }), "warm-up receipt");
        await served.TakeAsync(1, Timeout);

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            client.RequestAsync(queue, System.Text.Encoding.UTF8.GetBytes($"p{i}"), new RequestOptions { ReplyTo = NewQueue("replies-" + i), Timeout = Timeout })));

        Assert.That(replies.Select(r => r.Text()), Is.EqualTo(Enumerable.Range(0, 5).Select(i => $"echo:p{i}")));
    }
}

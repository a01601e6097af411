using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Linq;
using Rx.Stomp.Requests;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Requests;

/// <summary>
/// Request/reply against the embedded broker, which has no temporary queues: the requester names its own reply
/// queue. (RabbitMQ's <c>/temp-queue/</c> is tested in Brokers/RequestReplyBrokerTests.)
/// </summary>
public class RequestReplyTests
{
    private static readonly RequestOptions ReplyQueue = new() { ReplyTo = "/queue/replies", Timeout = StreamWaits.DefaultTimeout };

    private static Task<Reply> Upper(StompMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Reply.Text(request.Text().ToUpperInvariant()));

    [Test]
    public async Task A_request_gets_the_reply_that_carries_its_correlation_id()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var server = await Embedded.ConnectAsync(broker);
        await using var client = await Embedded.ConnectAsync(broker);
        using var served = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        using var serving = await broker.SubscribedAsync("/queue/upper", server.Replies("/queue/upper", Upper), served);

        var reply = await client.RequestAsync("/queue/upper", "hello"u8.ToArray(), ReplyQueue);
        // Replies emits a request once its reply is sent: the reply may arrive first.
        var request = await served.WhenAsync(_ => true);

        Assert.That(reply.Text(), Is.EqualTo("HELLO"));
        Assert.That(reply.Destination, Is.EqualTo("/queue/replies"));
        Assert.That(reply.CorrelationId(), Is.EqualTo(request.CorrelationId()).And.Not.Null);
        Assert.That(request.ReplyTo(), Is.EqualTo("/queue/replies"));
    }

    [Test]
    public async Task A_request_of_text_is_sent_in_the_clients_text_encoding()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var server = await Embedded.ConnectAsync(broker);
        await using var client = await Embedded.ConnectAsync(broker, o => o with { TextEncoding = Encoding.Latin1 });
        using var served = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        using var serving = await broker.SubscribedAsync("/queue/upper", server.Replies("/queue/upper", (_, _) => Task.FromResult(Reply.Text("ok"))), served);

        var reply = await client.RequestAsync("/queue/upper", "café", ReplyQueue);
        // Replies emits a request once its reply is sent: the reply may arrive first.
        var request = await served.WhenAsync(_ => true);

        Assert.That(request.Body.ToArray(), Is.EqualTo(Encoding.Latin1.GetBytes("café")));
        Assert.That(reply.Text(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task Concurrent_requests_through_one_reply_queue_each_get_their_own_reply()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var server = await Embedded.ConnectAsync(broker);
        await using var client = await Embedded.ConnectAsync(broker);
        using var serving = await broker.SubscribedAsync("/queue/upper", server.Replies("/queue/upper", Upper), System.Reactive.Observer.Create<StompMessage>(_ => { }));

        var words = Enumerable.Range(0, 20).Select(i => $"word{i}").ToArray();
        var replies = await Task.WhenAll(words.Select(w => client.RequestAsync("/queue/upper", Encoding.UTF8.GetBytes(w), ReplyQueue)));

        Assert.That(replies.Select(r => r.Text()), Is.EqualTo(words.Select(w => w.ToUpperInvariant())));
        Assert.That(broker.GetQueue("/queue/replies").Consumers, Is.EqualTo(1), "one reply subscription shared by every request");
    }

    [Test]
    public async Task A_request_nobody_answers_times_out_on_the_clients_scheduler()
    {
        await using var broker = await StompBroker.StartAsync();
        var clock = new TestScheduler();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { Scheduler = clock });
        var sent = client.Sent.WhenAsync(f => f.Headers["destination"] == "/queue/nobody");

        var request = client.RequestAsync("/queue/nobody", "?"u8.ToArray(), ReplyQueue with { Timeout = TimeSpan.FromSeconds(5) });
        await sent;
        clock.AdvanceBy(TimeSpan.FromSeconds(4.9).Ticks);
        Assert.That(request.IsCompleted, Is.False);
        clock.AdvanceBy(TimeSpan.FromSeconds(0.2).Ticks);

        var error = Assert.ThrowsAsync<StompTimeoutException>(() => request.WaitAsync(StreamWaits.DefaultTimeout))!;
        Assert.That(error.Message, Does.Contain("/queue/nobody"));
    }

    [Test]
    public async Task Disposing_the_client_ends_a_waiting_request_with_a_connection_error()
    {
        await using var broker = await StompBroker.StartAsync();
        var client = await Embedded.ConnectAsync(broker);
        var sent = client.Sent.WhenAsync(f => f.Headers["destination"] == "/queue/nobody");
        var request = client.RequestAsync("/queue/nobody", "?"u8.ToArray(), ReplyQueue);
        await sent;

        await client.DisposeAsync();

        Assert.ThrowsAsync<StompConnectionException>(() => request.WaitAsync(StreamWaits.DefaultTimeout));
    }

    [Test]
    public async Task A_failed_handler_ends_Replies_with_the_error_and_Retry_serves_on_with_the_request_redelivered()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var server = await Embedded.ConnectAsync(broker);
        await using var client = await Embedded.ConnectAsync(broker);
        var attempts = 0;
        var errors = new List<Exception>();
        var serving = server.Replies("/queue/flaky", (request, _) =>
                Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("first try fails") : Upper(request, _),
                new SubscribeOptions { Ack = AckMode.ClientIndividual })
            .Do(_ => { }, errors.Add)
            .Retry();
        using var subscription = await broker.SubscribedAsync("/queue/flaky", serving, System.Reactive.Observer.Create<StompMessage>(_ => { }));

        var reply = await client.RequestAsync("/queue/flaky", "again"u8.ToArray(), ReplyQueue);

        Assert.That(reply.Text(), Is.EqualTo("AGAIN"));
        Assert.That(attempts, Is.EqualTo(2));
        Assert.That(errors.Single().Message, Is.EqualTo("first try fails"));
    }

    [Test]
    public async Task Request_options_that_cannot_work_are_refused_before_anything_is_sent()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var sent = new List<Rx.Stomp.Frames.Frame>();
        using var recording = client.Sent.Subscribe(sent.Add);

        Assert.ThrowsAsync<ArgumentException>(() => client.RequestAsync("/queue/x", "?"u8.ToArray(), ReplyQueue with { ReplyTo = "" }));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.RequestAsync("/queue/x", "?"u8.ToArray(), ReplyQueue with { Timeout = TimeSpan.Zero }));
        Assert.ThrowsAsync<ArgumentException>(() => client.RequestAsync("", "?"u8.ToArray(), ReplyQueue));

        Assert.That(sent, Is.Empty);
    }

    [Test]
    public async Task Replying_to_a_message_without_reply_to_is_a_clear_error()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var inbox = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/plain", client.Watch("/queue/plain"), inbox);
        await client.SendAsync("/queue/plain", "one-way");
        var message = await inbox.WhenAsync(_ => true);

        var error = Assert.Throws<InvalidOperationException>(() => message.ReplyAsync("x"u8.ToArray()))!;

        Assert.That(error.Message, Does.Contain("reply-to"));
    }
}

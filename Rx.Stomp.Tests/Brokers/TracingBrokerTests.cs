using System.Diagnostics;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;
using Rx.Stomp.Requests;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Tests.Tracing;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// Traces through each broker (RabbitMQ, ActiveMQ, the embedded one): the broker carries the SEND's trace headers
/// over to the MESSAGE, and the consumer continues the trace there.
/// </summary>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.Brokers))]
public class TracingBrokerTests(Broker broker) : BrokerTest(broker)
{
    [Test]
    public async Task A_send_and_the_handler_that_processes_it_are_one_trace()
    {
        using var traces = new TraceRecorder();
        var consumer = await ConnectAsync();
        var producer = await ConnectAsync();
        var queue = NewQueue("trace");
        var inHandler = new TaskCompletionSource<(ActivityTraceId, ActivitySpanId)?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = Record(consumer.Watch(queue).Do(_ => inHandler.TrySetResult(Activity.Current is { } a ? (a.TraceId, a.SpanId) : null)));

        ActivityContext root;
        using (var produce = TraceRecorder.Tests.StartActivity("produce"))
        {
            root = produce!.Context;
            await Within(producer.SendAsync(queue, "traced", WithReceipt), "the RECEIPT");
        }

        var message = (await messages.TakeAsync(1, Timeout))[0];
        var send = await Within(traces.SpanAsync($"send {queue}"), "the send span");
        var process = await Within(traces.SpanAsync($"process {queue}"), "the process span");
        Assert.Multiple(() =>
        {
            Assert.That(send.Kind, Is.EqualTo(ActivityKind.Producer));
            Assert.That((send.TraceId, send.ParentSpanId), Is.EqualTo((root.TraceId, root.SpanId)), "the send span is the child of the caller's span");
            Assert.That(message.Headers["traceparent"], Is.EqualTo(send.Id), "the broker carried the traceparent over");
            Assert.That(message.TraceContext.SpanId, Is.EqualTo(send.SpanId));
            Assert.That(process.Kind, Is.EqualTo(ActivityKind.Consumer));
            Assert.That((process.TraceId, process.ParentSpanId), Is.EqualTo((send.TraceId, send.SpanId)), "the process span is the child of the send span");
            Assert.That(inHandler.Task.Result, Is.EqualTo((process.TraceId, process.SpanId)), "the handler runs inside the process span");
            Assert.That(send.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(process.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
        AssertMessagingTags(send, "send", queue);
        AssertMessagingTags(process, "process", queue);
        Assert.That(process.GetTagItem("messaging.message.id"), Is.EqualTo(message.MessageId));
        Assert.That(process.GetTagItem("messaging.destination.subscription.name"), Is.EqualTo(message.Subscription));
    }

    [Test]
    public async Task A_foreign_producers_traceparent_is_continued_by_the_consumer()
    {
        using var traces = new TraceRecorder();
        const string foreign = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var consumer = await ConnectAsync();
        var queue = NewQueue("foreign");
        var messages = Record(consumer.Watch(queue));
        await using var raw = await RawClient.ConnectAsync(Broker.Endpoint, StompVersion.V12, null, ("login", Broker.Login), ("passcode", Broker.Passcode));

        await raw.SendAsync(StompCommand.Send, "from elsewhere", ("destination", queue), ("traceparent", foreign), ("tracestate", "vendor=1"));

        var message = (await messages.TakeAsync(1, Timeout))[0];
        var process = await Within(traces.SpanAsync($"process {queue}"), "the process span");
        Assert.That(process.Id, Does.StartWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "the producer's trace");
        Assert.That(process.ParentSpanId.ToHexString(), Is.EqualTo("00f067aa0ba902b7"), "the producer's span");
        Assert.That(process.TraceStateString, Is.EqualTo("vendor=1"));
        Assert.That(process.HasRemoteParent, Is.True);
        Assert.That(message.TraceContext.TraceState, Is.EqualTo("vendor=1"));
    }

    [Test]
    public async Task A_reply_is_processed_in_the_requesters_trace()
    {
        using var traces = new TraceRecorder();
        var server = await ConnectAsync();
        var requester = await ConnectAsync();
        var queue = NewQueue("rpc");
        var replies = NewQueue("rpc-replies");
        var served = Record(server.Replies(queue, (request, _) => Task.FromResult(Reply.Text("echo:" + request.Text()))));

        ActivityContext root;
        StompMessage reply;
        using (var request = TraceRecorder.Tests.StartActivity("request"))
        {
            root = request!.Context;
            reply = await requester.RequestAsync(queue, "ping", new RequestOptions { ReplyTo = replies, Timeout = Timeout });
        }

        Assert.That(reply.Text(), Is.EqualTo("echo:ping"));
        var sendRequest = await Within(traces.SpanAsync($"send {queue}"), "the request's send span");
        var processRequest = await Within(traces.SpanAsync($"process {queue}"), "the request's process span");
        var sendReply = await Within(traces.SpanAsync($"send {replies}"), "the reply's send span");
        var processReply = await Within(traces.SpanAsync($"process {replies}"), "the reply's process span");
        Assert.Multiple(() =>
        {
            Assert.That(new[] { sendRequest, processRequest, sendReply, processReply }.Select(s => s.TraceId), Is.All.EqualTo(root.TraceId), "one trace");
            Assert.That(sendRequest.ParentSpanId, Is.EqualTo(root.SpanId));
            Assert.That(processRequest.ParentSpanId, Is.EqualTo(sendRequest.SpanId));
            Assert.That(sendReply.ParentSpanId, Is.EqualTo(processRequest.SpanId), "the server replies from inside the request's processing");
            Assert.That(processReply.ParentSpanId, Is.EqualTo(sendReply.SpanId));
            Assert.That(processReply.GetTagItem("messaging.message.conversation_id"), Is.EqualTo(reply.CorrelationId()));
        });
    }

    private void AssertMessagingTags(Activity span, string operation, string queue) => Assert.Multiple(() =>
    {
        Assert.That(span.DisplayName, Is.EqualTo($"{operation} {queue}"));
        Assert.That(span.Source.Name, Is.EqualTo("Rx.Stomp"));
        Assert.That(span.Source.Version, Is.EqualTo(typeof(StompClient).Assembly.GetName().Version!.ToString()));
        Assert.That(span.GetTagItem("messaging.system"), Is.EqualTo("stomp"));
        Assert.That(span.GetTagItem("messaging.operation.type"), Is.EqualTo(operation));
        Assert.That(span.GetTagItem("messaging.destination.name"), Is.EqualTo(queue));
        Assert.That(span.GetTagItem("messaging.message.body.size"), Is.EqualTo("traced".Length));
        Assert.That(span.GetTagItem("server.address"), Is.EqualTo(Broker.Endpoint.Host));
        Assert.That(span.GetTagItem("server.port"), Is.EqualTo(Broker.Endpoint.Port));
    });
}

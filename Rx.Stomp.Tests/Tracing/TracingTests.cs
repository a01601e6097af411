using System.Diagnostics;
using System.Reactive.Linq;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;
using Rx.Stomp.Requests;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Tracing;

/// <summary>
/// Tracing through the embedded broker where its faults or the client's paths matter: reconnects, transactions, a
/// user's own traceparent, failures, request/reply across threads, and no listener at all.
/// </summary>
public class TracingTests
{
    private static readonly TimeSpan Timeout = StreamWaits.DefaultTimeout;

    private static async Task<IList<StompMessage>> ReceiveAsync(StompClient client, string queue, int count = 1)
    {
        var messages = client.Watch(queue).Replay();
        using var connection = messages.Connect();
        return await messages.TakeAsync(count);
    }

    [Test]
    public async Task A_send_queued_offline_goes_out_with_its_traceparent_once_reconnected()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await Embedded.ConnectAsync(broker, o => o with
        {
            ConnectTimeout = TimeSpan.FromSeconds(1),
            Reconnect = o.Reconnect with { InitialDelay = TimeSpan.FromMilliseconds(200), Jitter = 0 },
        });
        // Offline for a while: the first attempt to reconnect finds CONNECTED too slow, and the next waits its delay.
        var retrying = producer.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting && s.Attempt == 2);
        broker.Faults.WriteDelay = TimeSpan.FromSeconds(5);
        broker.Faults.DropAllConnections();
        await retrying;

        Task sending;
        using (TraceRecorder.Tests.StartActivity("produce"))
        {
            sending = producer.SendAsync("/queue/offline", "queued", new SendOptions { Receipt = true });
        }

        Assert.That(producer.IsConnected, Is.False, "queued for the next connection");
        broker.Faults.WriteDelay = TimeSpan.Zero;
        await sending.WaitAsync(Timeout);
        await using var consumer = await Embedded.ConnectAsync(broker);
        var message = (await ReceiveAsync(consumer, "/queue/offline"))[0];
        var send = await traces.SpanAsync("send /queue/offline");
        var process = await traces.SpanAsync("process /queue/offline");
        Assert.That(message.Headers["traceparent"], Is.EqualTo(send.Id));
        Assert.That((process.TraceId, process.ParentSpanId), Is.EqualTo((send.TraceId, send.SpanId)));
    }

    [Test]
    public async Task A_send_sent_again_on_the_next_connection_carries_the_same_traceparent()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await Embedded.ConnectAsync(broker);
        var sent = producer.Sent.Where(f => f.Command == StompCommand.Send).Replay();
        using var recording = sent.Connect();
        Task? sending = null;
        // Written right after the broker's ERROR, before its close is read: the broker never took it, so the client
        // sends it again once reconnected (Outbox's SentAgainIfEnded).
        using var onError = producer.Frames.Where(f => f.Command == StompCommand.Error).Take(1).Subscribe(_ =>
        {
            using (TraceRecorder.Tests.StartActivity("produce"))
            {
                sending = producer.SendAsync("/queue/again", "resent", new SendOptions { Receipt = true });
            }
        });
        var firstSession = producer.CurrentState.Session;

        broker.Faults.SendErrorToAll("closing", close: true);

        var frames = await sent.TakeAsync(2);
        await sending!.WaitAsync(Timeout);
        Assert.That(producer.CurrentState.Session, Is.Not.EqualTo(firstSession), "sent again on another connection");
        await using var consumer = await Embedded.ConnectAsync(broker);
        var message = (await ReceiveAsync(consumer, "/queue/again"))[0];
        var send = await traces.SpanAsync("send /queue/again");
        var process = await traces.SpanAsync("process /queue/again");
        Assert.Multiple(() =>
        {
            Assert.That(frames.Select(f => f.Headers["traceparent"]), Is.All.EqualTo(send.Id), "both tries carry the one send span's context");
            Assert.That(traces.Spans.Count(s => s.DisplayName == "send /queue/again"), Is.EqualTo(1), "one send, tried twice");
            Assert.That(send.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(message.Headers["traceparent"], Is.EqualTo(send.Id));
            Assert.That(process.ParentSpanId, Is.EqualTo(send.SpanId));
        });
    }

    [Test]
    public async Task A_send_in_a_transaction_is_traced()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await Embedded.ConnectAsync(broker);
        await using var consumer = await Embedded.ConnectAsync(broker);

        await using (var transaction = await producer.BeginTransactionAsync())
        {
            await transaction.SendAsync("/queue/tx", "in a transaction");
            await transaction.CommitAsync();
        }

        var message = (await ReceiveAsync(consumer, "/queue/tx"))[0];
        var send = await traces.SpanAsync("send /queue/tx");
        var process = await traces.SpanAsync("process /queue/tx");
        Assert.That(send.Kind, Is.EqualTo(ActivityKind.Producer));
        Assert.That(message.Headers["traceparent"], Is.EqualTo(send.Id));
        Assert.That(process.ParentSpanId, Is.EqualTo(send.SpanId));
    }

    [Test]
    public async Task A_traceparent_the_user_set_is_kept_and_parents_the_send_span()
    {
        const string mine = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await Embedded.ConnectAsync(broker);
        await using var consumer = await Embedded.ConnectAsync(broker);

        using (TraceRecorder.Tests.StartActivity("produce"))
        {
            await producer.SendAsync("/queue/mine", "x", new SendOptions { Headers = [new("traceparent", mine)] });
        }

        var message = (await ReceiveAsync(consumer, "/queue/mine"))[0];
        var send = await traces.SpanAsync("send /queue/mine");
        var process = await traces.SpanAsync("process /queue/mine");
        Assert.Multiple(() =>
        {
            Assert.That(message.Headers.GetAll("traceparent"), Is.EqualTo(new[] { mine }), "the user's header, alone");
            Assert.That(send.Id, Does.StartWith("00-0af7651916cd43dd8448eb211c80319c-"));
            Assert.That(send.ParentSpanId.ToHexString(), Is.EqualTo("b7ad6b7169203331"));
            Assert.That(process.ParentSpanId.ToHexString(), Is.EqualTo("b7ad6b7169203331"), "the consumer continues the user's context");
        });
    }

    [Test]
    public async Task A_message_without_a_trace_context_starts_a_trace_of_its_own()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        StompClient consumer;
        ActivityTraceId startupTrace;
        // The connection's reader inherits the context it was opened in: here a span long ended when messages come.
        using (var startup = TraceRecorder.Tests.StartActivity("startup"))
        {
            startupTrace = startup!.TraceId;
            consumer = await Embedded.ConnectAsync(broker);
        }

        await using (consumer)
        {
            await using var raw = await RawClient.ConnectAsync(broker.Endpoint);
            await raw.SendAsync(StompCommand.Send, "untraced", ("destination", "/queue/untraced-producer"));

            await ReceiveAsync(consumer, "/queue/untraced-producer");
            var process = await traces.SpanAsync("process /queue/untraced-producer");
            Assert.That(process.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "a root");
            Assert.That(process.TraceId, Is.Not.EqualTo(startupTrace));
        }
    }

    [Test]
    public async Task A_send_that_fails_ends_its_span_with_the_error()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var offline = new StompClient(Embedded.Options(broker) with { OfflineSends = OfflineSends.Fail });

        Assert.ThrowsAsync<StompConnectionException>(() => offline.SendAsync("/queue/nowhere", "x"));

        var send = await traces.SpanAsync("send /queue/nowhere");
        Assert.That(send.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(send.GetTagItem("error.type"), Is.EqualTo(typeof(StompConnectionException).FullName));
    }

    [Test]
    public async Task A_handler_that_throws_fails_the_process_span()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        using var watch = await broker.SubscribedAsync("/queue/fails", client.Watch("/queue/fails"),
            System.Reactive.Observer.Create<StompMessage>(_ => throw new InvalidOperationException("handler failed")));

        await client.SendAsync("/queue/fails", "x");

        var process = await traces.SpanAsync("process /queue/fails");
        Assert.That(process.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(process.StatusDescription, Is.EqualTo("handler failed"));
        Assert.That(process.GetTagItem("error.type"), Is.EqualTo(typeof(InvalidOperationException).FullName));
    }

    [Test]
    public async Task Replies_serves_each_request_in_the_trace_of_its_requester()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var server = await Embedded.ConnectAsync(broker);
        await using var requester = await Embedded.ConnectAsync(broker);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, ActivityTraceId?>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var serving = await broker.SubscribedAsync("/queue/serve", server.Replies("/queue/serve", async (request, _) =>
        {
            seen[request.Text()] = Activity.Current?.TraceId;
            if (request.Text() == "one")
            {
                // The second request comes while this one is served: Concat starts it when this one ends.
                await release.Task;
            }

            return Reply.Text("done " + request.Text());
        }), System.Reactive.Observer.Create<StompMessage>(_ => { }));
        var secondArrived = server.Messages.WhenAsync(m => m.Text() == "two");

        var (one, traceOne) = Request(requester, "one");
        var (two, traceTwo) = Request(requester, "two");
        await secondArrived;
        release.SetResult();
        await Task.WhenAll(one, two).WaitAsync(Timeout);

        Assert.That(seen["one"], Is.EqualTo(traceOne));
        Assert.That(seen["two"], Is.EqualTo(traceTwo), "the second handler runs in its own request's trace, not the first's");
        var replies = await traces.SpansAsync("process /queue/serve-replies", 2);
        Assert.That(replies.Select(s => s.TraceId), Is.EquivalentTo(new[] { traceOne, traceTwo }));
    }

    [Test]
    public async Task A_reply_sent_from_a_thread_without_the_delivery_context_stays_in_the_requesters_trace()
    {
        using var traces = new TraceRecorder();
        await using var broker = await StompBroker.StartAsync();
        await using var server = await Embedded.ConnectAsync(broker);
        await using var requester = await Embedded.ConnectAsync(broker);
        using var serving = await broker.SubscribedAsync("/queue/serve", server.Watch("/queue/serve"), System.Reactive.Observer.Create<StompMessage>(request =>
        {
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => request.ReplyAsync("pong"u8.ToArray()));
            }
        }));

        var (reply, trace) = Request(requester, "ping");
        await reply.WaitAsync(Timeout);

        var sendRequest = await traces.SpanAsync("send /queue/serve");
        var sendReply = await traces.SpanAsync("send /queue/serve-replies");
        var processReply = await traces.SpanAsync("process /queue/serve-replies");
        Assert.That(sendReply.TraceId, Is.EqualTo(trace));
        Assert.That(sendReply.ParentSpanId, Is.EqualTo(sendRequest.SpanId), "without the process span at hand, the reply hangs under the request's context");
        Assert.That(processReply.TraceId, Is.EqualTo(trace));
    }

    [Test]
    public async Task Without_a_listener_no_traceparent_is_written()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var producer = await Embedded.ConnectAsync(broker);
        await using var consumer = await Embedded.ConnectAsync(broker);
        var sent = producer.Sent.Where(f => f.Command == StompCommand.Send).Replay();
        using var recording = sent.Connect();
        Assert.That(Rx.Stomp.Tracing.StompTracing.IsOn, Is.False, "nobody listens to Rx.Stomp");

        // An activity of the application's is current, but nobody listens to Rx.Stomp.
        using (new Activity("application").Start())
        {
            await producer.SendAsync("/queue/untraced", "x");
        }

        var message = (await ReceiveAsync(consumer, "/queue/untraced"))[0];
        Assert.That((await sent.TakeAsync(1))[0].Headers.Contains("traceparent"), Is.False);
        Assert.That(message.Headers.Contains("traceparent"), Is.False);
        Assert.That(message.TraceContext, Is.EqualTo(default(ActivityContext)));
    }

    /// <summary>Sends a request in a trace of its own, replies to <c>/queue/serve-replies</c>.</summary>
    private static (Task<StompMessage> Reply, ActivityTraceId Trace) Request(StompClient requester, string text)
    {
        using var root = TraceRecorder.Tests.StartActivity("request " + text);
        var reply = requester.RequestAsync("/queue/serve", text, new RequestOptions { ReplyTo = "/queue/serve-replies", Timeout = Timeout });
        return (reply, root?.TraceId ?? default);
    }
}

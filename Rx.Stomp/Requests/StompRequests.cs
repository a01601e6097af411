using System.Diagnostics;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Requests;

/// <summary>
/// Request/reply over STOMP (stomp.py's <c>sendrec</c>/<c>sendreply</c>): a request carries <c>reply-to</c> and a
/// fresh <c>correlation-id</c>; the answer is the first message on the client that carries the same
/// <c>correlation-id</c>.
/// </summary>
public static class StompRequests
{
    /// <summary>Sends a request to <paramref name="destination"/> and returns its reply.</summary>
    /// <exception cref="StompTimeoutException">No reply within <see cref="RequestOptions.Timeout"/>.</exception>
    /// <exception cref="StompConnectionException">Not connected, or the client was disposed while waiting.</exception>
    public static async Task<StompMessage> RequestAsync(this StompClient client, string destination, ReadOnlyMemory<byte> body, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        options ??= RequestOptions.Default;
        ArgumentException.ThrowIfNullOrEmpty(options.ReplyTo, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));
        if (!options.ReplyTo.StartsWith("/temp-queue/", StringComparison.Ordinal))
        {
            ReplyQueues.Ensure(client, options.ReplyTo);
        }

        var correlationId = Guid.NewGuid().ToString("N");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Resumes the caller off the read loop that delivered the reply: a caller that blocked there would stop it.
        var reply = new TaskCompletionSource<StompMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Listening starts before the request leaves, so that a fast reply cannot pass unseen.
        using var listening = client.Messages
            .Where(m => m.CorrelationId() == correlationId)
            .Subscribe(
                m => reply.TrySetResult(m),
                e => reply.TrySetException(e),
                () => reply.TrySetException(new StompConnectionException($"The client was disposed while waiting for the reply to {destination}.")));
        var waiting = reply.Task.WithTimeout(options.Timeout, client.Options.Scheduler,
            () => new StompTimeoutException($"No reply from {destination} within {options.Timeout.TotalSeconds:0.###} s (correlation-id {correlationId})."),
            stop.Token);
        try
        {
            var headers = options.Headers
                .Set(StompHeaderNames.ReplyTo, options.ReplyTo)
                .Set(StompHeaderNames.CorrelationId, correlationId);
            await client.SendAsync(destination, body, new SendOptions { ContentType = options.ContentType, Headers = headers, Receipt = options.Receipt }, cancellationToken).ConfigureAwait(false);
            return await waiting.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await waiting.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a request whose body is <paramref name="text"/>, encoded with the client's
    /// <see cref="StompClientOptions.TextEncoding"/> (as <see cref="StompClient.SendAsync(string, string, SendOptions?, CancellationToken)"/>), and returns its reply.
    /// </summary>
    /// <exception cref="StompTimeoutException">No reply within <see cref="RequestOptions.Timeout"/>.</exception>
    /// <exception cref="StompConnectionException">Not connected, or the client was disposed while waiting.</exception>
    public static Task<StompMessage> RequestAsync(this StompClient client, string destination, string text, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(text);
        return client.RequestAsync(destination, client.Options.TextEncoding.GetBytes(text), options, cancellationToken);
    }

    /// <summary>Sends <paramref name="body"/> to the <c>reply-to</c> of <paramref name="request"/>, with its <c>correlation-id</c>.</summary>
    /// <exception cref="InvalidOperationException">The request has no <c>reply-to</c>.</exception>
    public static Task ReplyAsync(this StompMessage request, ReadOnlyMemory<byte> body, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var replyTo = request.ReplyTo() ?? throw new InvalidOperationException($"Message {request.MessageId} from {request.Destination} has no reply-to: it expects no reply.");
        options ??= SendOptions.Default;
        if (request.CorrelationId() is { } correlationId)
        {
            options = options with { Headers = options.Headers.Set(StompHeaderNames.CorrelationId, correlationId) };
        }

        return request.Client.SendAsync(replyTo, body, options, StompTracing.IsOn ? ReplyParent(request) : default, cancellationToken);
    }

    /// <summary>
    /// Where a reply's send span hangs: under the current activity when it is in the request's trace (the request's
    /// process span, or a span of the handler's); else, for a handler on a thread that did not bring the delivery's
    /// context along, under the request's own context, so that the reply stays in the requester's trace.
    /// </summary>
    private static ActivityContext ReplyParent(StompMessage request)
    {
        var requester = request.TraceContext;
        return requester == default || Activity.Current?.TraceId == requester.TraceId ? default : requester;
    }

    /// <summary>
    /// Serves requests sent to <paramref name="destination"/>: each message, one at a time in arrival order, goes to
    /// <paramref name="handler"/> (in the context of its own delivery: traced, in its requester's trace), and its
    /// reply is sent to the message's <c>reply-to</c> (a message without one is handled and not answered). With an ack mode other than auto, the request is acknowledged once its reply was
    /// sent, so a failed handler leaves it to the broker to redeliver. The observable emits each request answered;
    /// an exception from the handler or the reply ends it with <c>OnError</c> (compose <c>Retry()</c> to serve on,
    /// which subscribes again). To know when the broker has the subscription, so that requests sent from then on are
    /// served, call <see cref="Listeners.StompWaits.WaitForSubscriptionAsync"/> before subscribing.
    /// </summary>
    public static IObservable<StompMessage> Replies(this StompClient client, string destination, Func<StompMessage, CancellationToken, Task<Reply>> handler, SubscribeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(handler);
        var ack = options?.Ack ?? AckMode.Auto;
        return client.Watch(destination, options)
            .Select(request =>
            {
                // A request that arrives while another is served is started by Concat when that one ends, in that
                // one's context: the context of its own delivery (its process span, its trace) is captured here.
                var delivery = ExecutionContext.Capture();
                return Observable.FromAsync(cancellationToken => RunIn(delivery, () => ServeAsync(request, handler, ack, cancellationToken)));
            })
            .Concat();
    }

    private static async Task<StompMessage> ServeAsync(StompMessage request, Func<StompMessage, CancellationToken, Task<Reply>> handler, AckMode ack, CancellationToken cancellationToken)
    {
        var reply = await handler(request, cancellationToken).ConfigureAwait(false);
        if (request.ReplyTo() is not null)
        {
            await request.ReplyAsync(reply.Body, reply.Options, cancellationToken).ConfigureAwait(false);
        }

        if (ack != AckMode.Auto)
        {
            await request.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return request;
    }

    /// <summary>Starts <paramref name="start"/> in <paramref name="context"/> (as it is when the flow of contexts is suppressed: null).</summary>
    private static Task<T> RunIn<T>(ExecutionContext? context, Func<Task<T>> start)
    {
        if (context is null)
        {
            return start();
        }

        Task<T>? started = null;
        ExecutionContext.Run(context, _ => started = start(), null);
        return started!;
    }
}

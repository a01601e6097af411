using System.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tracing;

/// <summary>
/// The producer side: a SEND goes out inside a <c>send</c> span, its context in the frame. The context is written
/// once, into the frame that is built once: a frame queued while offline, or sent again on the next connection, goes
/// out with the same <c>traceparent</c>, and its trace continues across the reconnect.
/// </summary>
internal static class SendTracing
{
    /// <summary>
    /// Sends <paramref name="frame"/> by <paramref name="send"/>, inside a span when anyone listens; else it is just
    /// <c>send(state, frame)</c>, with nothing allocated. The <paramref name="parent"/>, when set, is the span's parent
    /// instead of <see cref="Activity.Current"/> (a reply's: its request's trace); the <paramref name="endpoint"/> is
    /// the broker the frame goes to, if known.
    /// </summary>
    public static Task SendAsync<TState>(Frame frame, StompEndpoint? endpoint, ActivityContext parent, TState state, Func<TState, Frame, Task> send) =>
        StompTracing.IsOn ? TracedAsync(frame, endpoint, parent, state, send) : send(state, frame);

    // Async, so that the span is Activity.Current for this send alone, never for the caller's code that follows it.
    private static async Task TracedAsync<TState>(Frame frame, StompEndpoint? endpoint, ActivityContext parent, TState state, Func<TState, Frame, Task> send)
    {
        // A traceparent the user set stays as it is and is the span's parent: the consumer continues the user's trace.
        var userSet = frame.Headers.Contains(TraceHeaders.TraceParent);
        var destination = frame.Headers[StompHeaderNames.Destination];
        using var activity = StompTracing.Source.StartActivity(MessagingTags.SpanName(MessagingTags.Send, destination), ActivityKind.Producer,
            userSet ? TraceHeaders.Extract(frame.Headers) : parent);
        if (activity is not null)
        {
            if (!userSet)
            {
                frame = TraceHeaders.Inject(frame, activity);
            }

            if (activity.IsAllDataRequested)
            {
                MessagingTags.Set(activity, MessagingTags.Send, frame, endpoint);
            }
        }

        try
        {
            await send(state, frame).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            StompTracing.Fail(activity, e);
            throw;
        }
    }
}

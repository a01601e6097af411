using System.Diagnostics;
using Rx.Stomp.Client;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tracing;

/// <summary>
/// The consumer side: a MESSAGE is delivered inside a <c>process</c> span, the child of the context its headers
/// carry (the producer's <c>send</c> span), so that a handler called in the delivery runs in the producer's trace;
/// without one, the span is the root of a trace.
/// </summary>
internal static class ProcessTracing
{
    /// <summary>Starts the span of <paramref name="message"/>'s delivery (null when the listeners do not sample it).</summary>
    public static Activity? Start(StompMessage message, StompEndpoint endpoint)
    {
        var producer = message.TraceContext;
        if (producer == default)
        {
            // A message that carries no context starts a trace of its own. The reader's current activity is not its
            // parent: the reader inherited the context its connection was opened in (a span of ConnectAsync's caller).
            Activity.Current = null;
        }

        var activity = StompTracing.Source.StartActivity(MessagingTags.SpanName(MessagingTags.Process, message.Destination), ActivityKind.Consumer, producer);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            MessagingTags.Set(activity, MessagingTags.Process, message.Frame, endpoint);
            activity.SetTag(MessagingTags.MessageId, message.MessageId);
            activity.SetTag(MessagingTags.SubscriptionName, message.Subscription);
        }

        foreach (var (name, value) in TraceHeaders.ExtractBaggage(message.Headers) ?? [])
        {
            activity.AddBaggage(name, value);
        }

        return activity;
    }
}

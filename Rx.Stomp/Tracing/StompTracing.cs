using System.Diagnostics;

namespace Rx.Stomp.Tracing;

/// <summary>
/// Distributed tracing on the <see cref="ActivitySource"/> <c>Rx.Stomp</c>, after OpenTelemetry's messaging semantic
/// conventions: every SEND a client makes (<c>SendAsync</c>, in a transaction or not, offline-queued, a request or a
/// reply) goes out inside a <c>send {destination}</c> span (<see cref="ActivityKind.Producer"/>) whose context travels
/// in the frame's W3C <c>traceparent</c> and <c>tracestate</c> headers; every MESSAGE is delivered to the client's
/// observers inside a <c>process {destination}</c> span (<see cref="ActivityKind.Consumer"/>) that continues the trace
/// those headers carry. Nothing is traced, and no header is added, while nobody listens to the source.
/// </summary>
public static class StompTracing
{
    /// <summary>The activity source's name, for a tracer provider's <c>AddSource("Rx.Stomp")</c>.</summary>
    public const string ActivitySourceName = "Rx.Stomp";

    /// <summary>The source of every span; its version is the assembly's.</summary>
    internal static ActivitySource Source { get; } = new(ActivitySourceName, typeof(StompTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Whether anyone listens: if not, the send and delivery paths do nothing more than without tracing.</summary>
    internal static bool IsOn => Source.HasListeners();

    /// <summary>Marks <paramref name="activity"/> failed by <paramref name="error"/>, as the conventions say: status Error and <c>error.type</c>.</summary>
    internal static void Fail(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(MessagingTags.ErrorType, error.GetType().FullName);
        activity.AddException(error);
    }

    /// <summary>
    /// An observer threw (the client caught and reported it): when it threw inside a delivery, its process span is
    /// the current activity, and the processing failed.
    /// </summary>
    internal static void ObserverFailed(Exception error)
    {
        if (Activity.Current is { Kind: ActivityKind.Consumer } current && current.Source == Source)
        {
            Fail(current, error);
        }
    }
}

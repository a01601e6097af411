using System.Diagnostics;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tracing;

/// <summary>
/// A trace context in STOMP headers, written and read by the process's <see cref="DistributedContextPropagator.Current"/>
/// (W3C Trace Context: <c>traceparent</c>, <c>tracestate</c>, and <c>baggage</c> when the span has some), as
/// HttpClient and ASP.NET Core do over HTTP.
/// </summary>
internal static class TraceHeaders
{
    public const string TraceParent = "traceparent";

    /// <summary><paramref name="frame"/> with <paramref name="activity"/>'s context after its headers.</summary>
    public static Frame Inject(Frame frame, Activity activity)
    {
        var fields = new List<KeyValuePair<string, string>>(2);
        DistributedContextPropagator.Current.Inject(activity, fields,
            static (carrier, name, value) => ((List<KeyValuePair<string, string>>)carrier!).Add(new(name, value)));
        return fields.Count == 0 ? frame : new Frame(frame.Command, frame.Headers.Concat(fields), frame.Body);
    }

    /// <summary>The context <paramref name="headers"/> carry, or <see langword="default"/> when none (or a malformed one).</summary>
    public static ActivityContext Extract(StompHeaders headers)
    {
        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, Read, out var traceParent, out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }

    /// <summary>The baggage <paramref name="headers"/> carry, if any.</summary>
    public static IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(StompHeaders headers) =>
        DistributedContextPropagator.Current.ExtractBaggage(headers, Read);

    private static void Read(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = ((StompHeaders)carrier!)[name];
    }
}

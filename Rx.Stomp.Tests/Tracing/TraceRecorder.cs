using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Tests.Tracing;

/// <summary>
/// OpenTelemetry's SDK listening to <c>Rx.Stomp</c> (and to <see cref="Tests"/>, the tests' own root spans), sampling
/// everything, each span exported to memory as it ends; until disposed.
/// </summary>
internal sealed class TraceRecorder : IDisposable
{
    /// <summary>The tests' source, for a span around what a test does (a trace's root).</summary>
    public static readonly ActivitySource Tests = new("Rx.Stomp.Tests");

    private readonly ExportedSpans _exported = new();
    private readonly TracerProvider _provider;

    public TraceRecorder() =>
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(StompTracing.ActivitySourceName, Tests.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(_exported)
            .Build();

    /// <summary>The spans ended so far.</summary>
    public IReadOnlyList<Activity> Spans => _exported.Snapshot();

    /// <summary>The first span named <paramref name="name"/> to end (<c>send /queue/x</c>, <c>process /queue/x</c>).</summary>
    public Task<Activity> SpanAsync(string name) => _exported.Ended.WhenAsync(s => s.DisplayName == name);

    /// <summary>The first <paramref name="count"/> spans named <paramref name="name"/> to end.</summary>
    public Task<IList<Activity>> SpansAsync(string name, int count) =>
        System.Reactive.Linq.Observable.Where(_exported.Ended, s => s.DisplayName == name).TakeAsync(count);

    public void Dispose()
    {
        _provider.Dispose();
        _exported.Dispose();
    }
}

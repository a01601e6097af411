using System.Collections;
using System.Diagnostics;
using System.Reactive.Subjects;
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

    /// <summary>What the in-memory exporter adds to, read by the test while the client's threads export.</summary>
    private sealed class ExportedSpans : ICollection<Activity>, IDisposable
    {
        private readonly List<Activity> _spans = [];
        private readonly ReplaySubject<Activity> _ended = new();

        public IObservable<Activity> Ended => _ended;

        public int Count => Snapshot().Count;

        public bool IsReadOnly => false;

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }

        public void Add(Activity item)
        {
            lock (_spans)
            {
                _spans.Add(item);
                _ended.OnNext(item);
            }
        }

        public void Clear()
        {
            lock (_spans)
            {
                _spans.Clear();
            }
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (_spans)
            {
                return _spans.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public void Dispose() => _ended.Dispose();
    }
}

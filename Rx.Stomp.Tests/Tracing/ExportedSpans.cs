using System.Collections;
using System.Diagnostics;
using System.Reactive.Subjects;

namespace Rx.Stomp.Tests.Tracing;

/// <summary>
/// What OpenTelemetry's in-memory exporter adds the ended spans to, from the client's threads: read by a test while
/// they export, and <see cref="Ended"/> tells of each.
/// </summary>
internal sealed class ExportedSpans : ICollection<Activity>, IDisposable
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

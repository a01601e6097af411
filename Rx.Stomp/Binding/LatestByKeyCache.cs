using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using DynamicData;

namespace Rx.Stomp.Binding;

/// <summary>
/// One subscription of <see cref="StompChangeSets.LatestByKey"/>: the latest value per key in a cache, the least
/// recently updated key evicted beyond the size limit, and a key removed once it has not been updated for the expiry.
/// Values and expiries are taken one at a time under one lock, so the change sets keep the order things happened in.
/// </summary>
internal sealed class LatestByKeyCache<T, TKey> : IDisposable
    where T : notnull
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly SourceCache<T, TKey> _cache;
    private readonly Func<T, TKey> _keySelector;
    private readonly IScheduler _scheduler;
    private readonly TimeSpan? _expireAfter;
    private readonly int? _sizeLimit;
    private readonly Dictionary<TKey, Entry> _entries = [];
    private readonly LinkedList<TKey> _byLastUpdate = [];

    private LatestByKeyCache(Func<T, TKey> keySelector, IScheduler scheduler, TimeSpan? expireAfter, int? sizeLimit)
    {
        _cache = new SourceCache<T, TKey>(keySelector);
        _keySelector = keySelector;
        _scheduler = scheduler;
        _expireAfter = expireAfter;
        _sizeLimit = sizeLimit;
    }

    /// <summary>A cold change set: each subscription has its own cache and subscribes to <paramref name="source"/>.</summary>
    public static IObservable<IChangeSet<T, TKey>> Create(IObservable<T> source, Func<T, TKey> keySelector, IScheduler scheduler, TimeSpan? expireAfter, int? sizeLimit) =>
        Observable.Create<IChangeSet<T, TKey>>(observer =>
        {
            var latest = new LatestByKeyCache<T, TKey>(keySelector, scheduler, expireAfter, sizeLimit);
            var changes = latest._cache.Connect().SubscribeSafe(observer);
            var values = source.SubscribeSafe(Observer.Create<T>(latest.OnValue, observer.OnError, observer.OnCompleted));
            return new CompositeDisposable(values, changes, latest);
        });

    private void OnValue(T value)
    {
        lock (_gate)
        {
            var key = _keySelector(value);
            if (_entries.TryGetValue(key, out var entry))
            {
                _byLastUpdate.Remove(entry.Node);
                _byLastUpdate.AddLast(entry.Node);
                entry.Expiry.Dispose();
            }
            else
            {
                entry = new Entry(_byLastUpdate.AddLast(key));
                _entries.Add(key, entry);
            }

            var version = ++entry.Version;
            entry.Expiry = _expireAfter is { } lifetime ? _scheduler.Schedule(lifetime, () => Expire(key, entry, version)) : Disposable.Empty;
            _cache.Edit(cache =>
            {
                cache.AddOrUpdate(value);
                while (_sizeLimit is { } limit && _byLastUpdate.Count > limit)
                {
                    cache.RemoveKey(Forget(_byLastUpdate.First!.Value));
                }
            });
        }
    }

    /// <summary>Removes <paramref name="key"/> if it was not updated since the expiry was scheduled.</summary>
    private void Expire(TKey key, Entry entry, long version)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var current) && current == entry && entry.Version == version)
            {
                _cache.RemoveKey(Forget(key));
            }
        }
    }

    /// <summary>Drops the bookkeeping of <paramref name="key"/> (caller holds the lock) and returns it.</summary>
    private TKey Forget(TKey key)
    {
        var entry = _entries[key];
        entry.Expiry.Dispose();
        _byLastUpdate.Remove(entry.Node);
        _entries.Remove(key);
        return key;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                entry.Expiry.Dispose();
            }

            _entries.Clear();
            _cache.Dispose();
        }
    }

    private sealed class Entry(LinkedListNode<TKey> node)
    {
        public LinkedListNode<TKey> Node { get; } = node;

        public long Version { get; set; }

        public IDisposable Expiry { get; set; } = Disposable.Empty;
    }
}

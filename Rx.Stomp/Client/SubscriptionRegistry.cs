using System.Collections.Concurrent;

namespace Rx.Stomp.Client;

/// <summary>The live watchers by subscription id: MESSAGE frames are routed by <c>subscription</c>, never by destination.</summary>
internal sealed class SubscriptionRegistry
{
    private readonly ConcurrentDictionary<string, Watcher> _watchers = new(StringComparer.Ordinal);

    public int Count => _watchers.Count;

    public IEnumerable<Watcher> All => _watchers.Values;

    public bool TryAdd(Watcher watcher) => _watchers.TryAdd(watcher.Id, watcher);

    public bool TryGet(string? id, out Watcher watcher)
    {
        if (id is not null && _watchers.TryGetValue(id, out var found))
        {
            watcher = found;
            return true;
        }

        watcher = null!;
        return false;
    }

    /// <summary>Removes <paramref name="watcher"/> if it is still the one registered under its id.</summary>
    public bool Remove(Watcher watcher) => _watchers.TryRemove(new KeyValuePair<string, Watcher>(watcher.Id, watcher));

    /// <summary>Removes and returns every watcher.</summary>
    public IReadOnlyList<Watcher> RemoveAll()
    {
        var removed = new List<Watcher>();
        foreach (var watcher in _watchers.Values)
        {
            if (Remove(watcher))
            {
                removed.Add(watcher);
            }
        }

        return removed;
    }
}

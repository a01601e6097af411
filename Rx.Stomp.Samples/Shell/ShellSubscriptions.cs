using System.Globalization;

namespace Rx.Stomp.Samples.Shell;

/// <summary>The shell's subscriptions, one per destination (as in stomp.py), with ids 1, 2, 3… in the order made.</summary>
internal sealed class ShellSubscriptions
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ShellSubscription> _byDestination = new(StringComparer.Ordinal);
    private int _lastId;

    public string NextId() => Interlocked.Increment(ref _lastId).ToString(CultureInfo.InvariantCulture);

    public bool Contains(string destination)
    {
        lock (_gate)
        {
            return _byDestination.ContainsKey(destination);
        }
    }

    public void Add(ShellSubscription subscription)
    {
        lock (_gate)
        {
            _byDestination.Add(subscription.Destination, subscription);
        }
    }

    /// <summary>Takes the subscription of <paramref name="destination"/> out, if there is one.</summary>
    public ShellSubscription? Remove(string destination)
    {
        lock (_gate)
        {
            return _byDestination.Remove(destination, out var subscription) ? subscription : null;
        }
    }

    /// <summary>Takes <paramref name="subscription"/> out if it is still the one of its destination.</summary>
    public bool Remove(ShellSubscription subscription)
    {
        lock (_gate)
        {
            return _byDestination.TryGetValue(subscription.Destination, out var current)
                && ReferenceEquals(current, subscription)
                && _byDestination.Remove(subscription.Destination);
        }
    }

    /// <summary>The subscribed destinations, sorted.</summary>
    public IReadOnlyList<string> Destinations
    {
        get
        {
            lock (_gate)
            {
                return [.. _byDestination.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Takes every subscription out, for the end of the shell.</summary>
    public IReadOnlyList<ShellSubscription> RemoveAll()
    {
        lock (_gate)
        {
            var all = _byDestination.Values.ToList();
            _byDestination.Clear();
            return all;
        }
    }
}

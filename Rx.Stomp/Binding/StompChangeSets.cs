using System.Reactive.Concurrency;
using DynamicData;
using Rx.Stomp.Client;

namespace Rx.Stomp.Binding;

/// <summary>
/// DynamicData change sets from the client's streams, for views that bind to collections: sort, filter and
/// <c>Bind</c> them with DynamicData's operators. Each is cold: subscribing subscribes to the source (a
/// <c>Watch</c> sends SUBSCRIBE), disposing unsubscribes. A watch outlives reconnections, so the bound collection
/// does too: it never sees <c>OnError</c> for a transient fault.
/// </summary>
/// <remarks>
/// Change sets are published where their source delivers (the client's read loop, or its
/// <c>DeliveryScheduler</c>), and expiries on the scheduler given: bind a UI after <c>ObserveOn</c> its dispatcher,
/// unless both are the UI's scheduler already.
/// </remarks>
public static class StompChangeSets
{
    /// <summary>
    /// The latest value per key of <paramref name="source"/> (the latest price per symbol, say) as a change set keyed
    /// by <paramref name="keySelector"/>: a new key is an add, a known one an update of its row, never a second row.
    /// </summary>
    /// <param name="source">The values, e.g. a <c>Watch</c> projected with <c>Select</c>.</param>
    /// <param name="keySelector">The key of a value.</param>
    /// <param name="scheduler">The clock of expiry: the client's <c>Options.Scheduler</c>, so that tests drive it in virtual time.</param>
    /// <param name="expireAfter">
    /// When set, a key not updated for this long is removed (each update restarts its time); null keeps keys until
    /// evicted.
    /// </param>
    /// <param name="sizeLimit">When set, the most keys kept: a new key beyond it evicts the least recently updated one.</param>
    /// <returns>A cold change set, each subscription with its own cache.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expireAfter"/> is not positive, or <paramref name="sizeLimit"/> is less than 1.</exception>
    public static IObservable<IChangeSet<T, TKey>> LatestByKey<T, TKey>(
        this IObservable<T> source,
        Func<T, TKey> keySelector,
        IScheduler scheduler,
        TimeSpan? expireAfter = null,
        int? sizeLimit = null)
        where T : notnull
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(scheduler);
        if (expireAfter is { } lifetime)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero, nameof(expireAfter));
        }

        if (sizeLimit is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(sizeLimit));
        }

        return LatestByKeyCache<T, TKey>.Create(source, keySelector, scheduler, expireAfter, sizeLimit);
    }

    /// <summary>
    /// The last <paramref name="size"/> values of <paramref name="source"/>, oldest first, as a list change set: each
    /// value is added at the end, and the oldest is removed once there are more than <paramref name="size"/>.
    /// DynamicData's <c>Reverse()</c> puts the newest first.
    /// </summary>
    /// <param name="source">The values, e.g. a <c>Watch</c>.</param>
    /// <param name="size">How many values the log keeps.</param>
    /// <returns>A cold change set, each subscription with its own log.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    public static IObservable<IChangeSet<T>> RollingLog<T>(this IObservable<T> source, int size)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return source.ToObservableChangeSet(limitSizeTo: size);
    }

    /// <summary>
    /// The client's live watches with their state (<see cref="StompClient.WatchStates"/>), keyed by watch id: a
    /// watch is added when subscribed, updated in place as it goes Subscribing, Subscribed, Resubscribing after a
    /// lost connection and Subscribed again, and removed when it ends. An unsubscribed watch is removed at once; a
    /// failed one stays, with its error, for <paramref name="keepFailedFor"/> on the client's scheduler, so a view
    /// can show why it failed.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="keepFailedFor">How long a failed watch stays; zero (the default) removes it at once.</param>
    /// <returns>A cold change set: each subscription starts with the watches live at that moment.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepFailedFor"/> is negative.</exception>
    public static IObservable<IChangeSet<WatchState, string>> LiveWatches(this StompClient client, TimeSpan keepFailedFor = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepFailedFor, TimeSpan.Zero);
        // Every final state expires (so the cache forgets ended watches); the filter hides it until then, except a
        // failed one kept for a while.
        return client.WatchStates
            .ToObservableChangeSet(
                s => s.Id,
                expireAfter: s => s.Kind switch
                {
                    WatchStateKind.Failed => keepFailedFor,
                    WatchStateKind.Unsubscribed => TimeSpan.Zero,
                    _ => null,
                },
                scheduler: client.Options.Scheduler)
            .Filter(s => s.Kind != WatchStateKind.Unsubscribed && (s.Kind != WatchStateKind.Failed || keepFailedFor > TimeSpan.Zero));
    }
}

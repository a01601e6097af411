using System.Reactive.Linq;
using Rx.Stomp.Client;

namespace Rx.Stomp.Linq;

/// <summary>
/// Effectively-once delivery to the application over at-least-once messaging: a broker redelivers what was not
/// acknowledged when a connection died, and a producer resends what it got no receipt for, so a consumer with client
/// acks sees some messages twice; <see cref="DropDuplicates"/> lets each through once.
/// </summary>
public static class Deduplication
{
    /// <summary>
    /// The messages whose key <paramref name="filter"/> does not remember (and remembers from then on). A message whose
    /// key it remembers is a duplicate: it is dropped, counted in <see cref="DuplicateFilter.Dropped"/> and, unless
    /// <paramref name="acknowledge"/> is false, acknowledged so that the broker forgets it. The ACK of a duplicate that
    /// fails (its connection is gone) is ignored: the broker delivers it again, and it is dropped again.
    /// </summary>
    /// <param name="messages">A watch, or any stream of messages.</param>
    /// <param name="key">
    /// What identifies a message: a header its producer sets once per message and keeps on a resend (an order id); a
    /// message without one (<see langword="null"/>) always passes. Not <c>message-id</c> on RabbitMQ, which gives a
    /// redelivery a new one, nor on any broker for a producer's resends.
    /// </param>
    /// <param name="filter">The keys seen and the counts, shared by every subscription to the result.</param>
    /// <param name="acknowledge">
    /// Whether to ACK a dropped duplicate: yes for <see cref="AckMode.ClientIndividual"/>; no for
    /// <see cref="AckMode.Auto"/>, which has nothing to acknowledge. With <see cref="AckMode.Client"/> an ACK is
    /// cumulative: the duplicate's would also acknowledge every message delivered before it on the subscription,
    /// handled or not.
    /// </param>
    /// <returns>The first message of each key, in the order received, on the thread that delivered it.</returns>
    /// <remarks>
    /// A key is remembered when its message passes, before the handler ran: a handler that refuses a message (NACK) so
    /// that it comes again calls <see cref="DuplicateFilter.Forget"/> first.
    /// </remarks>
    public static IObservable<StompMessage> DropDuplicates(this IObservable<StompMessage> messages, Func<StompMessage, string?> key,
        DuplicateFilter filter, bool acknowledge = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(filter);
        return DropDuplicates(messages, key, filter, acknowledge ? message => _ = AcknowledgeAsync(message) : _ => { });
    }

    /// <summary>The operator on any stream: <paramref name="dropped"/> is told of each duplicate as it is dropped.</summary>
    internal static IObservable<T> DropDuplicates<T>(IObservable<T> source, Func<T, string?> key, DuplicateFilter filter, Action<T> dropped) =>
        source.Where(item =>
        {
            if (filter.TryPass(key(item)))
            {
                return true;
            }

            dropped(item);
            return false;
        });

    private static async Task AcknowledgeAsync(StompMessage duplicate)
    {
        try
        {
            await duplicate.AckAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is StompException or ObjectDisposedException)
        {
            // Its connection is gone, or the client with it: the broker delivers it again, and it is dropped again.
        }
    }
}

using System.Runtime.CompilerServices;
using Rx.Stomp.Client;

namespace Rx.Stomp.Requests;

/// <summary>
/// The reply queues a client has subscribed for its requests, one subscription per queue for the client's
/// lifetime: a queue gives each message to one consumer, so a subscription per request would steal the replies
/// of the others.
/// </summary>
internal sealed class ReplyQueues
{
    private static readonly ConditionalWeakTable<StompClient, ReplyQueues> Clients = [];
    private readonly Dictionary<string, IDisposable> _watches = new(StringComparer.Ordinal);

    /// <summary>Subscribes <paramref name="client"/> to <paramref name="queue"/> unless it already is.</summary>
    public static void Ensure(StompClient client, string queue) => Clients.GetValue(client, _ => new ReplyQueues()).EnsureWatching(client, queue);

    private void EnsureWatching(StompClient client, string queue)
    {
        lock (_watches)
        {
            if (!_watches.ContainsKey(queue))
            {
                // Replies are matched on client.Messages; this subscription only makes the broker deliver them.
                _watches[queue] = client.Watch(queue).Subscribe(_ => { }, _ => Forget(queue));
            }
        }
    }

    private void Forget(string queue)
    {
        lock (_watches)
        {
            _watches.Remove(queue);
        }
    }
}

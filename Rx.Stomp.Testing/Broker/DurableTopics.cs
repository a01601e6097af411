namespace Rx.Stomp.Broker;

/// <summary>
/// The durable topic subscriptions, by name (the <c>id</c> of the SUBSCRIBE that made them), spelled as RabbitMQ spells
/// them: a SUBSCRIBE to <c>/topic/…</c> with <c>durable:true</c> makes one, or attaches to the one of that name; an
/// UNSUBSCRIBE with <c>durable:true</c> removes it. Each is a queue of its own that gets a copy of every message
/// published to its topic, consumed or not, so what is sent while its client is away waits for it. Under the
/// router's lock.
/// </summary>
internal sealed class DurableTopics
{
    private readonly Dictionary<string, QueueState> _byName = new(StringComparer.Ordinal);

    /// <summary>
    /// The queue of the durable subscription <paramref name="name"/> to <paramref name="topic"/>, made if there is
    /// none; one of that name to another topic starts anew on this one (as a JMS durable subscription does), unless
    /// someone consumes from it.
    /// </summary>
    public QueueState Attach(string name, string topic)
    {
        if (_byName.TryGetValue(name, out var queue))
        {
            if (queue.Destination == topic)
            {
                return queue;
            }

            RefuseIfInUse(name, queue);
        }

        queue = new QueueState(topic);
        _byName[name] = queue;
        return queue;
    }

    /// <summary>
    /// Removes the durable subscription <paramref name="name"/> and what it kept. Refused while another subscription
    /// consumes from it, and when there is none unless <paramref name="mayBeAbsent"/>.
    /// </summary>
    public void Remove(string name, bool mayBeAbsent)
    {
        if (!_byName.TryGetValue(name, out var queue))
        {
            if (!mayBeAbsent)
            {
                throw new BrokerRefusal($"No durable subscription '{name}'.");
            }

            return;
        }

        RefuseIfInUse(name, queue);
        _byName.Remove(name);
    }

    /// <summary>Keeps a copy of <paramref name="message"/> in every durable subscription of its topic, and hands it on to their consumers.</summary>
    public void Publish(StoredMessage message)
    {
        foreach (var queue in _byName.Values.Where(q => q.Destination == message.Destination))
        {
            queue.Pending.AddLast(message.Copy());
            Router.Pump(queue);
        }
    }

    /// <summary>Throws <see cref="BrokerRefusal"/> if <paramref name="count"/> more messages to <paramref name="topic"/> would overfill one of its durable subscriptions.</summary>
    public void CheckRoom(string topic, int count, int maxPending)
    {
        foreach (var (name, queue) in _byName)
        {
            if (queue.Destination == topic && queue.Pending.Count + count > maxPending)
            {
                throw new BrokerRefusal($"Durable subscription '{name}' of '{topic}' is full: {queue.Pending.Count} messages wait for its consumer (the limit is {maxPending}).");
            }
        }
    }

    public BrokerQueueInfo? Describe(string name) =>
        _byName.TryGetValue(name, out var queue)
            ? new BrokerQueueInfo(queue.Destination, queue.Pending.Count, queue.Unacknowledged, queue.Consumers.Count)
            : null;

    private static void RefuseIfInUse(string name, QueueState queue)
    {
        if (queue.Consumers.Count > 0)
        {
            throw new BrokerRefusal($"Durable subscription '{name}' of '{queue.Destination}' is in use by {queue.Consumers.Count} subscription(s).");
        }
    }
}

using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Broker;

/// <summary>A message as the broker keeps it: the headers a SEND brought (those that pass through to MESSAGE) and its body.</summary>
internal sealed class StoredMessage(string id, string destination, KeyValuePair<string, string>[] passThrough, ReadOnlyMemory<byte> body, bool contentLength)
{
    public string Id { get; } = id;

    public string Destination { get; } = destination;

    /// <summary>The SEND's headers but those the broker sets or consumes.</summary>
    public KeyValuePair<string, string>[] PassThrough { get; } = passThrough;

    public ReadOnlyMemory<byte> Body { get; } = body;

    /// <summary>Whether the SEND carried <c>content-length</c>; the MESSAGE does exactly when it did.</summary>
    public bool ContentLength { get; } = contentLength;

    /// <summary>Set once the message has been delivered and came back.</summary>
    public bool Redelivered { get; set; }

    /// <summary>The same message for one more queue (a durable subscription's): each queue marks its own redeliveries.</summary>
    public StoredMessage Copy() => new(Id, Destination, PassThrough, Body, ContentLength);
}

/// <summary>A queue (or a durable topic subscription's): messages waiting for a consumer, and its consumers in round-robin order.</summary>
internal sealed class QueueState(string destination)
{
    /// <summary>The queue's destination; for a durable subscription, its topic.</summary>
    public string Destination { get; } = destination;

    public LinkedList<StoredMessage> Pending { get; } = new();

    public List<Subscription> Consumers { get; } = [];

    /// <summary>Where the round-robin looks first.</summary>
    public int Next { get; set; }

    /// <summary>Messages of this queue delivered and not yet acknowledged.</summary>
    public int Unacknowledged { get; set; }
}

/// <summary>One SUBSCRIBE of one session.</summary>
internal sealed class Subscription(BrokerSession session, string id, string destination, AckMode mode, int prefetch, QueueState? queue)
{
    public BrokerSession Session { get; } = session;

    public string Id { get; } = id;

    public string Destination { get; } = destination;

    public AckMode Mode { get; } = mode;

    /// <summary>Most unacknowledged messages at once in a client ack mode (<c>prefetch-count</c>); 0 for no limit.</summary>
    public int Prefetch { get; } = prefetch;

    /// <summary>The queue, for a queue subscription or a durable topic subscription; null for a plain topic subscription.</summary>
    public QueueState? Queue { get; } = queue;

    /// <summary>Deliveries not yet acknowledged, oldest first (ack modes client and client-individual only).</summary>
    public LinkedList<Delivery> Unacknowledged { get; } = new();

    public Dictionary<string, Delivery> ByMessageId { get; } = new(StringComparer.Ordinal);

    public bool Active { get; set; } = true;

    /// <summary>Whether a queue may hand this subscription a message now.</summary>
    public bool HasRoom => Active && !Session.IsEnding && (Mode == AckMode.Auto || Prefetch == 0 || Unacknowledged.Count < Prefetch);
}

/// <summary>One message handed to one subscription in a client ack mode, until it is acknowledged.</summary>
internal sealed class Delivery(StoredMessage message, Subscription subscription, string ackId)
{
    public StoredMessage Message { get; } = message;

    public Subscription Subscription { get; } = subscription;

    /// <summary>The MESSAGE's <c>ack</c> header (1.2): unique on its connection.</summary>
    public string AckId { get; } = ackId;

    public LinkedListNode<Delivery>? Node { get; set; }

    /// <summary>Whether the delivery still waits for its ACK or NACK.</summary>
    public bool IsPending => Node?.List is not null;
}

/// <summary>The broker refuses a frame: an ERROR with this message goes out and the connection is closed.</summary>
internal sealed class BrokerRefusal : Exception
{
    public BrokerRefusal() { }

    public BrokerRefusal(string message) : base(message) { }

    public BrokerRefusal(string message, Exception? innerException) : base(message, innerException) { }

    public BrokerRefusal(string message, string? detail, params (string Name, string Value)[] headers) : base(message)
    {
        Detail = detail;
        Headers = headers;
    }

    /// <summary>The ERROR's body, when it says more than its <c>message</c> header.</summary>
    public string? Detail { get; }

    /// <summary>Headers for the ERROR besides <c>message</c> and <c>receipt-id</c>.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; } = [];
}

/// <summary>
/// Queues, topics and subscriptions. Everything here, and every session's subscriptions, unacknowledged messages and
/// transactions, is guarded by the one lock <see cref="Gate"/>; work under it never blocks (frames for clients go to
/// their connections' unbounded outboxes).
/// </summary>
internal sealed class Router(int maxPendingPerQueue, Action<BrokerEvent> publish)
{
    public const string QueuePrefix = "/queue/";
    public const string TopicPrefix = "/topic/";

    private readonly Dictionary<string, QueueState> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Subscription>> _topics = new(StringComparer.Ordinal);
    private long _messageIds;

    public Lock Gate { get; } = new();

    public int SubscriptionCount { get; private set; }

    /// <summary>The durable topic subscriptions, which <see cref="Publish"/> feeds with every message of their topic.</summary>
    public DurableTopics Durables { get; } = new();

    /// <summary>Refuses a destination that names neither a queue nor a topic.</summary>
    public static bool IsQueue(string destination)
    {
        if (destination.StartsWith(QueuePrefix, StringComparison.Ordinal) && destination.Length > QueuePrefix.Length)
        {
            return true;
        }

        if (destination.StartsWith(TopicPrefix, StringComparison.Ordinal) && destination.Length > TopicPrefix.Length)
        {
            return false;
        }

        throw new BrokerRefusal($"Unknown destination '{destination}': this broker has /queue/<name> and /topic/<name>.");
    }

    public string NextMessageId() => "m-" + (++_messageIds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public QueueState Queue(string destination)
    {
        if (!_queues.TryGetValue(destination, out var queue))
        {
            queue = new QueueState(destination);
            _queues.Add(destination, queue);
        }

        return queue;
    }

    /// <summary>Throws <see cref="BrokerRefusal"/> if <paramref name="count"/> more messages would overfill the queue of <paramref name="destination"/>.</summary>
    public void CheckRoom(string destination, int count)
    {
        if (!IsQueue(destination))
        {
            Durables.CheckRoom(destination, count, maxPendingPerQueue);
        }
        else if (_queues.TryGetValue(destination, out var queue) && queue.Pending.Count + count > maxPendingPerQueue)
        {
            throw new BrokerRefusal($"Queue '{destination}' is full: {queue.Pending.Count} messages wait for a consumer (the limit is {maxPendingPerQueue}).");
        }
    }

    /// <summary>Routes a message: to one consumer of its queue, or to every subscriber of its topic and every durable subscription of it.</summary>
    public void Publish(StoredMessage message)
    {
        if (IsQueue(message.Destination))
        {
            var queue = Queue(message.Destination);
            queue.Pending.AddLast(message);
            Pump(queue);
        }
        else
        {
            if (_topics.TryGetValue(message.Destination, out var subscribers))
            {
                foreach (var subscriber in subscribers)
                {
                    subscriber.Session.Deliver(subscriber, message);
                }
            }

            Durables.Publish(message);
        }
    }

    public void Subscribe(Subscription subscription)
    {
        SubscriptionCount++;
        if (subscription.Queue is { } queue)
        {
            queue.Consumers.Add(subscription);
            Pump(queue);
        }
        else
        {
            if (!_topics.TryGetValue(subscription.Destination, out var subscribers))
            {
                subscribers = [];
                _topics.Add(subscription.Destination, subscribers);
            }

            subscribers.Add(subscription);
        }

        publish(new BrokerEvent(BrokerEventKind.Subscribed, subscription.Session.Id, subscription.Destination, subscription.Id));
    }

    /// <summary>Ends a subscription; its unacknowledged queue messages go back to the head of the queue.</summary>
    public void Unsubscribe(Subscription subscription)
    {
        subscription.Active = false;
        SubscriptionCount--;
        var pending = subscription.Unacknowledged.ToList();
        foreach (var delivery in pending)
        {
            Settle(delivery);
        }

        if (subscription.Queue is { } queue)
        {
            var index = queue.Consumers.IndexOf(subscription);
            queue.Consumers.RemoveAt(index);
            if (index < queue.Next)
            {
                queue.Next--;
            }

            Requeue(queue, pending);
        }
        else if (_topics.TryGetValue(subscription.Destination, out var subscribers))
        {
            subscribers.Remove(subscription);
            if (subscribers.Count == 0)
            {
                _topics.Remove(subscription.Destination);
            }
        }

        publish(new BrokerEvent(BrokerEventKind.Unsubscribed, subscription.Session.Id, subscription.Destination, subscription.Id));
    }

    /// <summary>Takes a delivery off its subscription's books.</summary>
    public static void Settle(Delivery delivery)
    {
        var subscription = delivery.Subscription;
        if (delivery.Node is { List: not null } node)
        {
            subscription.Unacknowledged.Remove(node);
            subscription.ByMessageId.Remove(delivery.Message.Id);
            subscription.Session.ForgetAck(delivery.AckId);
            if (subscription.Queue is { } queue)
            {
                queue.Unacknowledged--;
            }
        }
    }

    /// <summary>Puts settled deliveries back at the head of their queue, in their order, marked redelivered.</summary>
    public void Requeue(QueueState queue, IReadOnlyList<Delivery> deliveries)
    {
        for (var i = deliveries.Count - 1; i >= 0; i--)
        {
            var message = deliveries[i].Message;
            message.Redelivered = true;
            queue.Pending.AddFirst(message);
        }

        foreach (var delivery in deliveries)
        {
            publish(new BrokerEvent(BrokerEventKind.Requeued, delivery.Subscription.Session.Id, queue.Destination, delivery.Subscription.Id, delivery.Message.Id));
        }

        Pump(queue);
    }

    /// <summary>Hands waiting messages to consumers with room, round-robin.</summary>
    public static void Pump(QueueState queue)
    {
        while (queue.Pending.First is { } head)
        {
            var consumer = NextWithRoom(queue);
            if (consumer is null)
            {
                return;
            }

            queue.Pending.RemoveFirst();
            consumer.Session.Deliver(consumer, head.Value);
        }
    }

    private static Subscription? NextWithRoom(QueueState queue)
    {
        var count = queue.Consumers.Count;
        for (var i = 0; i < count; i++)
        {
            var index = (queue.Next + i) % count;
            var consumer = queue.Consumers[index];
            if (consumer.HasRoom)
            {
                queue.Next = (index + 1) % count;
                return consumer;
            }
        }

        return null;
    }

    /// <summary>Hands waiting messages of every queue to consumers that have room again (a session ended, say).</summary>
    public void PumpAll()
    {
        foreach (var queue in _queues.Values)
        {
            Pump(queue);
        }
    }

    public BrokerQueueInfo? Describe(string destination) =>
        _queues.TryGetValue(destination, out var queue)
            ? new BrokerQueueInfo(destination, queue.Pending.Count, queue.Unacknowledged, queue.Consumers.Count)
            : null;

    public IReadOnlyList<string> QueueNames() => [.. _queues.Keys];
}

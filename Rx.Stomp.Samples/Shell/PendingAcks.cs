using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// The messages of <c>client</c> and <c>client-individual</c> subscriptions that were printed and not yet
/// acknowledged, in arrival order, so that <c>ack</c> and <c>nack</c> can name them by id.
/// </summary>
internal sealed class PendingAcks
{
    private readonly Lock _gate = new();
    private readonly List<(StompMessage Message, ShellSubscription Subscription)> _pending = [];

    /// <summary>The literal that names every pending message.</summary>
    public const string All = "all";

    public void Add(StompMessage message, ShellSubscription subscription)
    {
        lock (_gate)
        {
            _pending.Add((message, subscription));
        }
    }

    /// <summary>The ids to offer for completion.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Select(p => p.Message.MessageId).OfType<string>()];
            }
        }
    }

    /// <summary>
    /// Takes out the message named by <paramref name="id"/> (its <c>message-id</c>, or its <c>ack</c> header), on
    /// <paramref name="subscription"/> (an id or a destination) if given. In ack mode <c>client</c> an ACK covers the
    /// earlier messages of its subscription too, so they are taken out with it.
    /// </summary>
    /// <exception cref="UsageException">No such message, or one on several subscriptions and none named.</exception>
    public StompMessage Take(string id, string? subscription)
    {
        lock (_gate)
        {
            var matches = _pending.Where(p => (p.Message.MessageId == id || p.Message.Ack == id)
                && (subscription is null || p.Subscription.Id == subscription || p.Subscription.Destination == subscription)).ToList();
            if (matches.Count == 0)
            {
                throw new UsageException($"No message awaiting acknowledgement has id '{id}'{(subscription is null ? "" : $" on subscription '{subscription}'")}; the ids follow 'id:' after MESSAGE.");
            }

            if (matches.Count > 1)
            {
                throw new UsageException($"Message '{id}' came on {matches.Count} subscriptions; name one: ack {id} <subscription>.");
            }

            var (message, owner) = matches[0];
            var index = _pending.IndexOf(matches[0]);
            var covered = owner.Ack == AckMode.Client
                ? _pending.Take(index + 1).Where(p => ReferenceEquals(p.Subscription, owner)).ToList()
                : [matches[0]];
            _pending.RemoveAll(covered.Contains);
            return message;
        }
    }

    /// <summary>
    /// Takes out every pending message and returns those to acknowledge: each one of a <c>client-individual</c>
    /// subscription, and the last one of a <c>client</c> subscription (which covers the others).
    /// </summary>
    public IReadOnlyList<StompMessage> TakeAll()
    {
        lock (_gate)
        {
            var taken = _pending
                .Where((p, i) => p.Subscription.Ack != AckMode.Client || !_pending.Skip(i + 1).Any(later => ReferenceEquals(later.Subscription, p.Subscription)))
                .Select(p => p.Message)
                .ToList();
            _pending.Clear();
            return taken;
        }
    }

    /// <summary>Forgets the messages of a subscription that ended: the broker redelivers them.</summary>
    public void Forget(ShellSubscription subscription)
    {
        lock (_gate)
        {
            _pending.RemoveAll(p => ReferenceEquals(p.Subscription, subscription));
        }
    }

    /// <summary>Forgets every pending message (their connection is gone, and the broker redelivers them); returns how many.</summary>
    public int ForgetAll()
    {
        lock (_gate)
        {
            var count = _pending.Count;
            _pending.Clear();
            return count;
        }
    }
}

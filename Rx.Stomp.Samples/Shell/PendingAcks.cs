using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// The messages of <c>client</c> and <c>client-individual</c> subscriptions that were printed and not yet
/// acknowledged, in arrival order, so that <c>ack</c> and <c>nack</c> can name them by id. A message stays here until
/// its ACK or NACK went through: <c>ack</c> and <c>nack</c> claim it (no other command takes it meanwhile), then
/// settle the claim once the broker has the frame, or release it when the frame failed (a NACK on STOMP 1.0, a
/// refusal, an aborted transaction), so that it can still be settled.
/// </summary>
internal sealed class PendingAcks
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _pending = [];

    /// <summary>The literal that names every pending message.</summary>
    public const string All = "all";

    public void Add(StompMessage message, ShellSubscription subscription)
    {
        lock (_gate)
        {
            _pending.Add(new Entry(message, subscription));
        }
    }

    /// <summary>The ids to offer for completion: the messages not claimed by a command under way.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Where(p => !p.Claimed).Select(p => p.Message.MessageId).OfType<string>()];
            }
        }
    }

    /// <summary>
    /// Claims the message named by <paramref name="id"/> (its <c>message-id</c>, or its <c>ack</c> header), on
    /// <paramref name="subscription"/> (an id or a destination) if given. In ack mode <c>client</c> an ACK covers the
    /// earlier messages of its subscription too, so the claim covers them.
    /// </summary>
    /// <exception cref="UsageException">No such message, or one on several subscriptions and none named.</exception>
    public PendingClaim Claim(string id, string? subscription)
    {
        lock (_gate)
        {
            var matches = _pending.Where(p => !p.Claimed && (p.Message.MessageId == id || p.Message.Ack == id)
                && (subscription is null || p.Subscription.Id == subscription || p.Subscription.Destination == subscription)).ToList();
            if (matches.Count == 0)
            {
                throw new UsageException($"No message awaiting acknowledgement has id '{id}'{(subscription is null ? "" : $" on subscription '{subscription}'")}; the ids follow 'id:' after MESSAGE.");
            }

            if (matches.Count > 1)
            {
                throw new UsageException($"Message '{id}' came on {matches.Count} subscriptions; name one: ack {id} <subscription>.");
            }

            var named = matches[0];
            var covered = named.Subscription.Ack == AckMode.Client
                ? _pending.Take(_pending.IndexOf(named) + 1).Where(p => !p.Claimed && ReferenceEquals(p.Subscription, named.Subscription)).ToList()
                : [named];
            return ClaimOf(named, covered);
        }
    }

    /// <summary>
    /// Claims every pending message, as the frames to send: one per message of a <c>client-individual</c>
    /// subscription, and one for the last message of a <c>client</c> subscription (which covers the others).
    /// </summary>
    public IReadOnlyList<PendingClaim> ClaimAll()
    {
        lock (_gate)
        {
            var free = _pending.Where(p => !p.Claimed).ToList();
            return free
                .Where((p, i) => p.Subscription.Ack != AckMode.Client || !free.Skip(i + 1).Any(later => ReferenceEquals(later.Subscription, p.Subscription)))
                .Select(named => ClaimOf(named, named.Subscription.Ack == AckMode.Client
                    ? free.Where(p => ReferenceEquals(p.Subscription, named.Subscription)).ToList()
                    : [named]))
                .ToList();
        }
    }

    /// <summary>The claim's ACK or NACK went through: its messages are settled.</summary>
    public void Settle(PendingClaim claim)
    {
        lock (_gate)
        {
            _pending.RemoveAll(claim.Covers);
        }
    }

    /// <summary>The claim's ACK or NACK failed: its messages await acknowledgement again.</summary>
    public void Release(PendingClaim claim)
    {
        lock (_gate)
        {
            foreach (var entry in _pending.Where(claim.Covers))
            {
                entry.Claimed = false;
            }
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

    private static PendingClaim ClaimOf(Entry named, List<Entry> covered)
    {
        covered.ForEach(entry => entry.Claimed = true);
        return new PendingClaim(named.Message, covered);
    }

    /// <summary>One pending message; claimed while an ACK or NACK for it is under way.</summary>
    internal sealed class Entry(StompMessage message, ShellSubscription subscription)
    {
        public StompMessage Message => message;

        public ShellSubscription Subscription => subscription;

        public bool Claimed { get; set; }
    }
}

using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Shell;

/// <summary>The message to send an ACK or NACK for, and the pending messages that frame settles.</summary>
internal sealed class PendingClaim(StompMessage message, IReadOnlyList<PendingAcks.Entry> covered)
{
    public StompMessage Message => message;

    public bool Covers(PendingAcks.Entry entry) => covered.Contains(entry);
}

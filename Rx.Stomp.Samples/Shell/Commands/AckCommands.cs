using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Shell.Commands;

/// <summary><c>ack</c> and <c>nack</c>: settle messages of <c>client</c> and <c>client-individual</c> subscriptions.</summary>
internal static class AckCommands
{
    public static readonly ShellVerb Ack = new(
        "ack", "ack <message-id|all> [subscription]",
        "Acknowledge a message (or all awaiting it): the broker may forget it.",
        "The id is the one after 'id:' in the MESSAGE line (its message-id; its ack header works too). The subscription,\n"
        + "an id or a destination, is only needed when one message came on several. In ack mode client an ACK also\n"
        + "covers the earlier messages of its subscription. Inside a transaction it takes effect at commit.",
        [ArgumentKind.MessageId, ArgumentKind.Subscribed], 1, (shell, args, ct) => SettleAsync(shell, args, nack: false, ct));

    public static readonly ShellVerb Nack = new(
        "nack", "nack <message-id|all> [subscription]",
        "Refuse a message (or all awaiting it); the broker redelivers or drops it (STOMP 1.1 and later).",
        "Names messages as 'ack' does. Inside a transaction it takes effect at commit.",
        [ArgumentKind.MessageId, ArgumentKind.Subscribed], 1, (shell, args, ct) => SettleAsync(shell, args, nack: true, ct));

    /// <summary>
    /// Sends one ACK or NACK per claim. A message leaves the pending list only once its frame went through: outside a
    /// transaction when its RECEIPT came, inside one when the commit was confirmed; otherwise it can be settled again.
    /// </summary>
    private static Task SettleAsync(ShellSession shell, ShellArgs args, bool nack, CancellationToken cancellationToken)
    {
        var claims = args[0] == PendingAcks.All ? shell.Pending.ClaimAll() : [shell.Pending.Claim(args[0], args.Optional(1))];
        var verb = nack ? "Refused" : "Acknowledged";
        return shell.ConfirmAsync(
            async (transaction, ct) =>
            {
                for (var i = 0; i < claims.Count; i++)
                {
                    try
                    {
                        var message = claims[i].Message;
                        await (nack
                            ? message.NackAsync(transaction, receipt: true, cancellationToken: ct)
                            : message.AckAsync(transaction, receipt: true, cancellationToken: ct));
                    }
                    catch when (transaction is null)
                    {
                        claims.Skip(i).ToList().ForEach(shell.Pending.Release);
                        throw;
                    }

                    if (transaction is null)
                    {
                        shell.Pending.Settle(claims[i]);
                    }
                }
            },
            claims.Count == 1 ? $"{verb} 1 message." : $"{verb} {claims.Count} messages.",
            cancellationToken,
            committed => claims.ToList().ForEach(committed ? shell.Pending.Settle : shell.Pending.Release));
    }
}

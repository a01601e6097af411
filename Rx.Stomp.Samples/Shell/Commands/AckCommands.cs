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

    private static async Task SettleAsync(ShellSession shell, ShellArgs args, bool nack, CancellationToken cancellationToken)
    {
        var messages = args[0] == PendingAcks.All ? shell.Pending.TakeAll() : [shell.Pending.Take(args[0], args.Optional(1))];
        foreach (var message in messages)
        {
            var settling = nack
                ? message.NackAsync(shell.Transaction, receipt: true, cancellationToken: cancellationToken)
                : message.AckAsync(shell.Transaction, receipt: true, cancellationToken: cancellationToken);
            await settling;
        }

        var verb = nack ? "Refused" : "Acknowledged";
        shell.Output.Line(messages.Count == 1 ? $"{verb} 1 message." : $"{verb} {messages.Count} messages.");
    }
}

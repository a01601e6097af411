using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>ACK and NACK of a message, on the connection that delivered it, with the headers its version names it by.</summary>
internal static class Acknowledgement
{
    public static async Task SendAsync(StompMessage message, StompCommand command, StompTransaction? transaction, bool receipt, StompHeaders? extra, CancellationToken cancellationToken)
    {
        if (command == StompCommand.Nack && message.Version == StompVersion.V10)
        {
            throw new NotSupportedException("STOMP 1.0 has no NACK.");
        }

        var headers = Headers(message, message.Version);
        if (transaction is not null)
        {
            headers = headers.Set(StompHeaderNames.Transaction, transaction.Id);
        }

        if (extra is not null)
        {
            headers = headers.Concat(extra);
        }

        await message.Session.SendBoundAsync(new Frame(command, headers), receipt, contentLength: false,
            () => $"Message {message.MessageId} was delivered by a connection that is gone; it cannot be {(command == StompCommand.Ack ? "acknowledged" : "refused")} on another, and the broker will redeliver it.",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The headers that identify a message in ACK/NACK: 1.2 its <c>ack</c>; 1.1 <c>message-id</c> and <c>subscription</c>; 1.0 <c>message-id</c>.</summary>
    public static StompHeaders Headers(StompMessage message, StompVersion version)
    {
        var messageId = message.MessageId ?? throw new StompProtocolException("The MESSAGE has no message-id to acknowledge.");
        return version switch
        {
            StompVersion.V12 => StompHeaders.Create((StompHeaderNames.Id, message.Ack ?? messageId)),
            StompVersion.V11 => StompHeaders.Create((StompHeaderNames.MessageId, messageId), (StompHeaderNames.Subscription, message.Subscription ?? "")),
            _ => StompHeaders.Create((StompHeaderNames.MessageId, messageId)),
        };
    }
}

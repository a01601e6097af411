using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>ACK and NACK, with the headers the connection's version names a message by.</summary>
internal static class Acknowledgement
{
    /// <summary>Acknowledges (or refuses) <paramref name="message"/> on the connection that delivered it, and no other.</summary>
    public static async Task SendAsync(StompMessage message, StompCommand command, StompTransaction? transaction, bool receipt, StompHeaders? extra, CancellationToken cancellationToken)
    {
        var frame = Build(command, message.Version, Headers(message, message.Version), transaction, extra);
        await message.Session.SendBoundAsync(frame, receipt, contentLength: false,
            () => $"Message {message.MessageId} was delivered by a connection that is gone; it cannot be {Verb(command)} on another, and the broker will redeliver it.",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Acknowledges (or refuses) by a stored id, as stomp.py's <c>ack(id, subscription)</c>: on the transaction's
    /// connection if one is given, else on the current one. The id means nothing to another connection, so the frame
    /// never waits for one.
    /// </summary>
    /// <exception cref="StompConnectionException">Not connected, or the transaction's connection is gone.</exception>
    /// <exception cref="ArgumentException">STOMP 1.1 names a message by id and subscription, and none was given.</exception>
    public static async Task SendAsync(Supervisor supervisor, StompCommand command, string id, string? subscription, StompTransaction? transaction, bool receipt, StompHeaders? extra, CancellationToken cancellationToken)
    {
        var session = transaction?.Session ?? supervisor.Require();
        var headers = session.Version switch
        {
            StompVersion.V12 => StompHeaders.Create((StompHeaderNames.Id, id)),
            StompVersion.V11 => StompHeaders.Create((StompHeaderNames.MessageId, id), (StompHeaderNames.Subscription,
                subscription ?? throw new ArgumentException("STOMP 1.1 names a message by message-id and subscription: give the subscription.", nameof(subscription)))),
            _ => StompHeaders.Create((StompHeaderNames.MessageId, id)),
        };
        await session.SendBoundAsync(Build(command, session.Version, headers, transaction, extra), receipt, contentLength: false,
            () => $"Message {id} cannot be {Verb(command)}: the connection is gone.",
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

    private static Frame Build(StompCommand command, StompVersion version, StompHeaders headers, StompTransaction? transaction, StompHeaders? extra)
    {
        if (command == StompCommand.Nack && version == StompVersion.V10)
        {
            throw new NotSupportedException("STOMP 1.0 has no NACK.");
        }

        if (transaction is not null)
        {
            headers = headers.Set(StompHeaderNames.Transaction, transaction.Id);
        }

        return new Frame(command, extra is null ? headers : headers.Concat(extra));
    }

    private static string Verb(StompCommand command) => command == StompCommand.Ack ? "acknowledged" : "refused";
}

using System.Globalization;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Linq;

/// <summary>
/// Typed readings of the headers whose type the STOMP spec defines, for filters and projections
/// (<c>Where(m =&gt; m.ContentLength() &lt; 4096)</c>). <see cref="StompMessage.Ack"/> and
/// <see cref="StompMessage.Redelivered"/> are on the message itself.
/// </summary>
public static class MessageHeaders
{
    /// <summary>The <c>content-length</c> header as a number of bytes, or <see langword="null"/> when the frame has none.</summary>
    /// <exception cref="StompProtocolException">The header is present but not a non-negative integer.</exception>
    public static long? ContentLength(this StompMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.Headers[StompHeaderNames.ContentLength];
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw new StompProtocolException($"content-length '{text}' of message {message.MessageId} is not a byte count.");
    }

    /// <summary>The <c>content-type</c> header as MIME type and charset, or <see langword="null"/> when the frame has none.</summary>
    public static StompContentType? MediaType(this StompMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return StompContentType.Parse(message.ContentType);
    }

    /// <summary>The <c>reply-to</c> header: where a request wants its answer.</summary>
    public static string? ReplyTo(this StompMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Headers[StompHeaderNames.ReplyTo];
    }

    /// <summary>The <c>correlation-id</c> header: which request a reply answers.</summary>
    public static string? CorrelationId(this StompMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Headers[StompHeaderNames.CorrelationId];
    }
}

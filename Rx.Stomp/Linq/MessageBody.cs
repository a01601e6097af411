using System.Text;
using System.Text.Json;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Linq;

/// <summary>
/// Reading a message's body as a typed value, for use inside Rx operators: <c>Select(m =&gt; m.Json&lt;Order&gt;())</c>.
/// A body that cannot be read throws <see cref="StompBodyException"/>, which names the message, so a failing
/// <c>Select</c> says which message was bad.
/// </summary>
public static class MessageBody
{
    /// <summary>
    /// The body decoded as text with the <c>charset</c> of its <c>content-type</c> (UTF-8 when none is given).
    /// Unlike <see cref="StompMessage.GetBodyText"/>, a charset that .NET does not know is an error, not UTF-8.
    /// </summary>
    /// <exception cref="StompBodyException">The content type names a charset this runtime cannot decode.</exception>
    public static string Text(this StompMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return EncodingOf(message).GetString(message.Body.Span);
    }

    /// <summary>The body deserialised from JSON with <see cref="JsonSerializer"/>, in the body's charset.</summary>
    /// <exception cref="StompBodyException">The body is not JSON of <typeparamref name="T"/>, is JSON <c>null</c>, or is in an unknown charset.</exception>
    public static T Json<T>(this StompMessage message, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var encoding = EncodingOf(message);
        T? value;
        try
        {
            value = encoding.CodePage == Encoding.UTF8.CodePage
                ? JsonSerializer.Deserialize<T>(message.Body.Span, options)
                : JsonSerializer.Deserialize<T>(encoding.GetString(message.Body.Span), options);
        }
        catch (JsonException e)
        {
            throw new StompBodyException($"The body of {Describe(message)} is not JSON of {typeof(T).Name}: {e.Message}", e);
        }

        return value ?? throw new StompBodyException($"The body of {Describe(message)} is JSON null, not a {typeof(T).Name}.");
    }

    private static Encoding EncodingOf(StompMessage message)
    {
        var contentType = message.MediaType();
        if (contentType?.Charset is null)
        {
            return Encoding.UTF8;
        }

        return contentType.Encoding ?? throw new StompBodyException($"The body of {Describe(message)} is in charset '{contentType.Charset}', which this runtime cannot decode.");
    }

    private static string Describe(StompMessage message) =>
        $"message {message.MessageId ?? "(no message-id)"} from {message.Destination ?? "(no destination)"}";
}

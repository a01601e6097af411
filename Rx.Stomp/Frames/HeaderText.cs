using System.Buffers;
using System.Text;

namespace Rx.Stomp.Frames;

/// <summary>
/// Header text on the wire: strict UTF-8, escaping per version (none on CONNECT/CONNECTED and in 1.0), and the
/// interning of well-known header names so that reading a frame does not allocate them again.
/// </summary>
internal static class HeaderText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] KnownNames =
    [
        StompHeaderNames.AcceptVersion, StompHeaderNames.Ack, StompHeaderNames.ContentLength, StompHeaderNames.ContentType,
        StompHeaderNames.Destination, StompHeaderNames.HeartBeat, StompHeaderNames.Host, StompHeaderNames.Id,
        StompHeaderNames.Login, StompHeaderNames.Message, StompHeaderNames.MessageId, StompHeaderNames.Passcode,
        StompHeaderNames.Receipt, StompHeaderNames.ReceiptId, StompHeaderNames.Server, StompHeaderNames.Session,
        StompHeaderNames.Subscription, StompHeaderNames.Transaction, StompHeaderNames.Version, StompHeaderNames.ReplyTo,
        StompHeaderNames.CorrelationId, StompHeaderNames.Redelivered, StompHeaderNames.Requeue,
        "persistent", "priority", "expires", "timestamp", "type", "prefetch-count", "durable", "auto-delete",
        "exclusive", "original-destination",
    ];

    /// <summary>The known names by length, so that a name is compared with the few of its length only.</summary>
    private static readonly string[][] KnownNamesByLength = [.. Enumerable.Range(0, KnownNames.Max(n => n.Length) + 1)
        .Select(length => KnownNames.Where(n => n.Length == length).ToArray())];

    private static readonly SearchValues<char> Escapable11 = SearchValues.Create("\n:\\\r");

    public static ReadOnlySpan<byte> ContentLengthPrefix => "content-length:"u8;

    /// <summary>Decodes a header name or value, unescaping it when <paramref name="escaped"/>.</summary>
    public static string Decode(ReadOnlySpan<byte> raw, bool escaped, StompVersion version, bool isName, long offset)
    {
        if (isName && raw.Length < KnownNamesByLength.Length)
        {
            foreach (var known in KnownNamesByLength[raw.Length])
            {
                if (Ascii.Equals(raw, known))
                {
                    return known;
                }
            }
        }

        // Check UTF-8 on the wire bytes, before unescaping, so that the error says where the bad byte is in the
        // frame. Escapes are ASCII, so unescaping can neither make nor mend an invalid sequence: decoding the valid
        // bytes below cannot fail.
        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            throw new StompProtocolException("A header is not valid UTF-8.", offset + FirstInvalidUtf8(raw));
        }

        if (!escaped || raw.IndexOf((byte)'\\') < 0)
        {
            return StrictUtf8.GetString(raw);
        }

        var rented = raw.Length <= 512 ? null : ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var target = rented is null ? stackalloc byte[raw.Length] : rented.AsSpan(0, raw.Length);
            var length = Unescape(raw, target, version, offset);
            return StrictUtf8.GetString(target[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Unescape(ReadOnlySpan<byte> source, Span<byte> target, StompVersion version, long offset)
    {
        var n = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if (b != (byte)'\\')
            {
                target[n++] = b;
                continue;
            }

            if (i + 1 == source.Length)
            {
                throw new StompProtocolException("A header ends in a lone backslash: an escape sequence is incomplete.", offset + i);
            }

            target[n++] = source[++i] switch
            {
                (byte)'n' => (byte)'\n',
                (byte)'c' => (byte)':',
                (byte)'\\' => (byte)'\\',
                (byte)'r' when version >= StompVersion.V12 => (byte)'\r',
                var other => throw new StompProtocolException(
                    $"Undefined escape sequence '\\{Printable(other)}' in a STOMP {version.ToWire()} header.", offset + i - 1),
            };
        }

        return n;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        while (i < raw.Length && Rune.DecodeFromUtf8(raw[i..], out _, out var used) == OperationStatus.Done)
        {
            i += used;
        }

        return i;
    }

    /// <summary>
    /// Throws unless <paramref name="version"/> can carry <paramref name="text"/> as a header name or value of a
    /// <paramref name="command"/> frame. The writer checks every header before it writes a byte of the frame, so that
    /// a refused frame leaves nothing half-written in the output (where the next frame would be appended to it).
    /// </summary>
    public static void Check(string text, bool escaped, StompVersion version, bool isName, StompCommand command)
    {
        var span = text.AsSpan();
        if (!escaped || version == StompVersion.V10)
        {
            var what = isName ? "name" : "value";
            if (span.IndexOfAny('\r', '\n') >= 0)
            {
                throw new StompProtocolException(
                    $"A header {what} holding CR or LF cannot be sent in a {Describe(command, version)} frame: it would inject a header line.");
            }

            // Only a colon: a backslash is plain text in a name that is not escaped (the reader takes it so).
            if (isName && span.Contains(':'))
            {
                throw new StompProtocolException($"A header name holding ':' cannot be sent in a {Describe(command, version)} frame.");
            }
        }
        else if (version == StompVersion.V11 && span.Contains('\r'))
        {
            throw new StompProtocolException("STOMP 1.1 cannot carry a CR in a header: it has no escape for it (1.2 has).");
        }

        if (span.ContainsAnyInRange('\ud800', '\udfff'))
        {
            try
            {
                StrictUtf8.GetByteCount(span);
            }
            catch (EncoderFallbackException e)
            {
                throw new StompProtocolException("A header holds text that is not valid Unicode (a lone surrogate).", e);
            }
        }
    }

    /// <summary>How many bytes <see cref="Write"/> produces for a text that passed <see cref="Check"/>: its UTF-8, plus one per escaped character.</summary>
    public static int EncodedLength(string text, bool escaped)
    {
        var span = text.AsSpan();
        var length = StrictUtf8.GetByteCount(span);
        while (escaped && span.IndexOfAny(Escapable11) is var next and >= 0)
        {
            length++;
            span = span[(next + 1)..];
        }

        return length;
    }

    /// <summary>
    /// Writes a header name or value that passed <see cref="Check"/> into <paramref name="target"/> (at least
    /// <see cref="EncodedLength"/> bytes), escaped when <paramref name="escaped"/>; returns the bytes written.
    /// </summary>
    public static int Write(Span<byte> target, string text, bool escaped)
    {
        var span = text.AsSpan();
        var written = 0;

        // The escapable characters are ASCII, so cutting the text at them never splits a surrogate pair.
        while (escaped && span.IndexOfAny(Escapable11) is var next and >= 0)
        {
            written += StrictUtf8.GetBytes(span[..next], target[written..]);
            target[written++] = (byte)'\\';
            target[written++] = span[next] switch
            {
                '\n' => (byte)'n',
                '\r' => (byte)'r',
                ':' => (byte)'c',
                _ => (byte)'\\',
            };
            span = span[(next + 1)..];
        }

        return written + StrictUtf8.GetBytes(span, target[written..]);
    }

    private static string Describe(StompCommand command, StompVersion version) =>
        command.IsEscaped() ? $"STOMP {version.ToWire()}" : command.ToWire();

    /// <summary>A byte as a character safe to put into an error message.</summary>
    public static string Printable(byte b) => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"0x{b:x2}";

    /// <summary>Bytes as text safe to put into an error message, shortened.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, 32)])
        {
            builder.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return bytes.Length > 32 ? builder.Append("...").ToString() : builder.ToString();
    }
}

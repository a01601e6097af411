using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace Rx.Stomp.Frames;

/// <summary>
/// Reads STOMP frames from bytes: incremental, one behaviour per version. It keeps no state between calls that
/// changes what it reads (only a cache of repeated header values, safe to share), so the same instance serves any
/// number of connections and a caller may switch readers after CONNECTED, when the version is known.
/// </summary>
/// <remarks>
/// Line ends: STOMP 1.2 accepts CR LF or LF; in 1.0 and 1.1 a CR is part of the line. Any number of EOLs
/// (LF or CR LF) between frames are heart-beats in every version. A frame whose bytes exceed
/// <see cref="FrameLimits"/> is refused as soon as that is certain, without waiting for the rest of it.
/// </remarks>
public sealed class FrameReader
{
    private const byte Nul = 0;
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    private readonly RepeatedHeaderValues _repeated = new();

    /// <summary>Creates a reader for <paramref name="version"/>.</summary>
    public FrameReader(StompVersion version, FrameLimits? limits = null)
    {
        Version = version;
        Limits = (limits ?? FrameLimits.Default).Validate();
    }

    /// <summary>The version whose rules this reader applies.</summary>
    public StompVersion Version { get; }

    /// <summary>The caps this reader enforces.</summary>
    public FrameLimits Limits { get; }

    /// <summary>
    /// Reads one frame or one heart-beat from the start of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">The unread bytes; on success it is advanced past what was read, otherwise unchanged.</param>
    /// <param name="frame">The frame read, or <see cref="Frame.Heartbeat"/> for a bare EOL.</param>
    /// <returns><see langword="false"/> when the buffer holds no complete frame yet.</returns>
    /// <exception cref="StompProtocolException">The bytes are not a valid frame, or exceed a limit.</exception>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out Frame? frame)
    {
        frame = null;

        // Peek through a SequenceReader when the first segment is empty: a sequence may begin with an empty segment
        // (one built so, or sliced at the end of a segment), and then FirstSpan is empty though the buffer is not.
        var head = buffer.FirstSpan;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryPeek(out var first))
        {
            return false;
        }

        if (first == Lf || first == Cr)
        {
            return TryReadHeartbeat(ref buffer, ref reader, out frame);
        }

        // The command and headers are parsed as one span: the first segment's, which holds them nearly always. When
        // they run past it, a growing prefix of the buffer is copied until they fit; the body is never copied here.
        var lines = ArrayPool<int>.Shared.Rent(32);
        byte[]? joined = null;
        try
        {
            Head parsed;
            while (!TryParseHead(head, ref lines, out parsed))
            {
                if (head.Length == buffer.Length)
                {
                    return false;
                }

                var window = (int)Math.Min(buffer.Length, Math.Max(head.Length * 2L, 4096L));
                if (joined is not null)
                {
                    ArrayPool<byte>.Shared.Return(joined);
                }

                joined = ArrayPool<byte>.Shared.Rent(window);
                buffer.Slice(0, window).CopyTo(joined);
                head = joined.AsSpan(0, window);
            }

            reader = new SequenceReader<byte>(buffer);
            reader.Advance(parsed.HeaderBytes);
            if (!TryReadBody(ref reader, parsed.HeaderBytes, parsed.ContentLength, out var body))
            {
                return false;
            }

            if (!body.IsEmpty && !parsed.Command.CarriesBody())
            {
                throw new StompProtocolException($"A {parsed.Command.ToWire()} frame carries no body, but this one has {body.Length} bytes.", parsed.HeaderBytes);
            }

            var escaped = Version >= StompVersion.V11 && parsed.Command.IsEscaped();
            var headers = parsed.Count == 0 ? StompHeaders.Empty : new StompHeaders(DecodeHeaders(head, lines, parsed.Count, escaped));
            frame = new Frame(parsed.Command, headers, body.IsEmpty ? ReadOnlyMemory<byte>.Empty : body.ToArray());
            buffer = buffer.Slice(reader.Position);
            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(lines);
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }
    }

    /// <summary>
    /// Parses the command line and the header lines of <paramref name="head"/>, up to the blank line, and records where
    /// each header line starts and how long it is in <paramref name="lines"/> (two entries per line).
    /// </summary>
    /// <returns><see langword="false"/> when <paramref name="head"/> ends before the blank line.</returns>
    private bool TryParseHead(ReadOnlySpan<byte> head, ref int[] lines, out Head parsed)
    {
        parsed = default;
        if (!TryReadLine(head, 0, out var commandLength, out var position))
        {
            return false;
        }

        var command = ParseCommand(head[..commandLength]);
        var count = 0;
        long contentLength = -1;
        while (true)
        {
            var lineStart = position;
            if (!TryReadLine(head, lineStart, out var length, out position))
            {
                return false;
            }

            if (length == 0)
            {
                break;
            }

            if (count == Limits.MaxHeaderCount)
            {
                throw new StompProtocolException($"The frame has more than {Limits.MaxHeaderCount} headers.", lineStart);
            }

            var line = head.Slice(lineStart, length);
            if (contentLength < 0 && line.StartsWith(HeaderText.ContentLengthPrefix))
            {
                contentLength = ParseContentLength(line[HeaderText.ContentLengthPrefix.Length..], lineStart);
            }

            if ((2 * count) + 2 > lines.Length)
            {
                Grow(ref lines, 2 * count);
            }

            lines[2 * count] = lineStart;
            lines[(2 * count) + 1] = length;
            count++;
        }

        parsed = new Head(command, position, contentLength, count);
        return true;
    }

    /// <summary>What the command and header lines say: the body is read after <see cref="HeaderBytes"/>.</summary>
    private readonly record struct Head(StompCommand Command, int HeaderBytes, long ContentLength, int Count);

    private static bool TryReadHeartbeat(ref ReadOnlySequence<byte> buffer, ref SequenceReader<byte> reader, out Frame? frame)
    {
        frame = null;
        reader.TryRead(out var first);
        if (first == Cr)
        {
            if (!reader.TryRead(out var next))
            {
                return false;
            }

            if (next != Lf)
            {
                throw new StompProtocolException($"A CR between frames must be followed by LF, not {HeaderText.Printable(next)}.", 0);
            }
        }

        buffer = buffer.Slice(reader.Position);
        frame = Frame.Heartbeat;
        return true;
    }

    /// <summary>Reads the line at <paramref name="start"/> without its EOL; 1.2 also drops a CR before the LF.</summary>
    /// <remarks>
    /// The LF is looked for only as far as the limits allow, and the answer depends on those bytes alone: a line is
    /// refused the same way, with the same error, whether the buffer holds all of the frame or a part of it, and
    /// never waits past a limit.
    /// </remarks>
    private bool TryReadLine(ReadOnlySpan<byte> head, int start, out int length, out int next)
    {
        // Bytes before the LF that may belong to the line: in 1.2 one more, the CR of a CR LF, which is no part of it.
        var lineBytes = Limits.MaxHeaderLineLength + (Version >= StompVersion.V12 ? 1L : 0L);
        var frameLeft = Limits.MaxFrameSize - (long)start;
        var window = Math.Min(lineBytes + 1, frameLeft);
        var unread = head[start..];
        var lf = (unread.Length > window ? unread[..(int)window] : unread).IndexOf(Lf);
        if (lf < 0)
        {
            length = next = 0;
            if (unread.Length < window)
            {
                return false;
            }

            throw lineBytes + 1 <= frameLeft ? LineTooLong(start) : FrameTooLarge(start);
        }

        next = start + lf + 1;
        length = Version >= StompVersion.V12 && lf > 0 && unread[lf - 1] == Cr ? lf - 1 : lf;

        // Only 1.2 gets here with a line too long: one more byte than the limit, and not a CR.
        if (length > Limits.MaxHeaderLineLength)
        {
            throw LineTooLong(start);
        }

        return true;
    }

    private StompProtocolException LineTooLong(long lineStart) =>
        new($"A header line is longer than the limit of {Limits.MaxHeaderLineLength} bytes.", lineStart);

    private StompProtocolException FrameTooLarge(long offset) =>
        new($"The frame is larger than the limit of {Limits.MaxFrameSize} bytes.", offset);

    private static StompCommand ParseCommand(ReadOnlySpan<byte> line)
    {
        if (StompCommands.TryParse(line, out var command))
        {
            return command;
        }

        throw new StompProtocolException($"Unknown command '{HeaderText.Printable(line[..Math.Min(line.Length, 40)])}'.", 0);
    }

    private long ParseContentLength(ReadOnlySpan<byte> value, long offset)
    {
        if (value.Length is > 0 and <= 24)
        {
            var text = Version == StompVersion.V10 ? value.Trim((byte)' ') : value;
            if (text.Length > 0 && text[0] is >= (byte)'0' and <= (byte)'9'
                && Utf8Parser.TryParse(text, out long length, out var used) && used == text.Length)
            {
                if (length > Limits.MaxFrameSize)
                {
                    throw new StompProtocolException($"content-length {length} exceeds the frame size limit of {Limits.MaxFrameSize} bytes.", offset);
                }

                return length;
            }
        }

        throw new StompProtocolException(
            $"content-length '{HeaderText.Printable(value[..Math.Min(value.Length, 40)])}' is not a non-negative integer.", offset);
    }

    private bool TryReadBody(ref SequenceReader<byte> reader, long headerBytes, long contentLength, out ReadOnlySequence<byte> body)
    {
        if (contentLength >= 0)
        {
            if (headerBytes + contentLength + 1 > Limits.MaxFrameSize)
            {
                throw FrameTooLarge(headerBytes);
            }

            body = default;
            if (reader.Remaining < contentLength + 1)
            {
                return false;
            }

            body = reader.UnreadSequence.Slice(0, contentLength);
            reader.Advance(contentLength);
            if (!reader.TryRead(out var terminator) || terminator != Nul)
            {
                throw new StompProtocolException($"No NUL after the {contentLength} body bytes that content-length announced.", headerBytes + contentLength);
            }

            return true;
        }

        // The limit holds whether the NUL is in the buffer already or not: a frame must be refused the same way
        // when it arrives in one piece as when it arrives byte by byte (and then the NUL comes too late).
        var found = reader.TryReadTo(out body, Nul);
        var bodySoFar = found ? body.Length : reader.Remaining;
        if (headerBytes + bodySoFar + 1 > Limits.MaxFrameSize)
        {
            throw new StompProtocolException($"No NUL within the frame size limit of {Limits.MaxFrameSize} bytes.", headerBytes);
        }

        return found;
    }

    private KeyValuePair<string, string>[] DecodeHeaders(ReadOnlySpan<byte> head, int[] lines, int count, bool escaped)
    {
        var headers = new KeyValuePair<string, string>[count];
        for (var i = 0; i < count; i++)
        {
            var start = lines[2 * i];
            headers[i] = DecodeHeader(head.Slice(start, lines[(2 * i) + 1]), start, escaped);
        }

        return headers;
    }

    private KeyValuePair<string, string> DecodeHeader(ReadOnlySpan<byte> line, long offset, bool escaped)
    {
        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            throw new StompProtocolException($"Header line '{HeaderText.Printable(line)}' has no colon.", offset);
        }

        if (colon == 0)
        {
            throw new StompProtocolException("A header line has an empty name.", offset);
        }

        var name = HeaderText.Decode(line[..colon], escaped, Version, isName: true, offset);
        var raw = line[(colon + 1)..];
        var value = _repeated.TryGet(name, raw, out var slot)
            ?? _repeated.Remember(slot, raw, HeaderText.Decode(raw, escaped, Version, isName: false, offset + colon + 1));
        return new KeyValuePair<string, string>(name, value);
    }

    private static void Grow<T>(ref T[] array, int count)
    {
        var bigger = ArrayPool<T>.Shared.Rent(count * 2);
        Array.Copy(array, bigger, count);
        ArrayPool<T>.Shared.Return(array, clearArray: true);
        array = bigger;
    }
}

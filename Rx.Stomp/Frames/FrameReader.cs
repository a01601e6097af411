using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace Rx.Stomp.Frames;

/// <summary>
/// Reads STOMP frames from bytes: pure and incremental, one behaviour per version. It keeps no state between
/// calls, so the same instance serves any number of connections and a caller may switch readers after
/// CONNECTED, when the version is known.
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

        // Peek through a SequenceReader, not buffer.FirstSpan: a sequence may begin with an empty segment (one
        // built so, or sliced at the end of a segment), and then FirstSpan is empty though the buffer is not.
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryPeek(out var first))
        {
            return false;
        }

        if (first == Lf || first == Cr)
        {
            return TryReadHeartbeat(ref buffer, ref reader, out frame);
        }

        if (!TryReadLine(ref reader, out var commandLine))
        {
            return false;
        }

        var command = ParseCommand(commandLine);
        var escaped = Version >= StompVersion.V11 && command.IsEscaped();

        var lines = ArrayPool<ReadOnlySequence<byte>>.Shared.Rent(16);
        var lineOffsets = ArrayPool<long>.Shared.Rent(16);
        try
        {
            var count = 0;
            long contentLength = -1;
            while (true)
            {
                var lineStart = reader.Consumed;
                if (!TryReadLine(ref reader, out var line))
                {
                    return false;
                }

                if (line.IsEmpty)
                {
                    break;
                }

                if (count == Limits.MaxHeaderCount)
                {
                    throw new StompProtocolException($"The frame has more than {Limits.MaxHeaderCount} headers.", lineStart);
                }

                if (contentLength < 0 && StartsWith(line, HeaderText.ContentLengthPrefix))
                {
                    contentLength = ParseContentLength(line.Slice(HeaderText.ContentLengthPrefix.Length), lineStart);
                }

                if (count == lines.Length)
                {
                    Grow(ref lines, count);
                    Grow(ref lineOffsets, count);
                }

                lines[count] = line;
                lineOffsets[count++] = lineStart;
            }

            var headerBytes = reader.Consumed;
            if (!TryReadBody(ref reader, headerBytes, contentLength, out var body))
            {
                return false;
            }

            if (!body.IsEmpty && !command.CarriesBody())
            {
                throw new StompProtocolException($"A {command.ToWire()} frame carries no body, but this one has {body.Length} bytes.", headerBytes);
            }

            var headers = count == 0 ? StompHeaders.Empty : new StompHeaders(DecodeHeaders(lines, lineOffsets, count, escaped));
            frame = new Frame(command, headers, body.IsEmpty ? ReadOnlyMemory<byte>.Empty : body.ToArray());
            buffer = buffer.Slice(reader.Position);
            return true;
        }
        finally
        {
            ArrayPool<ReadOnlySequence<byte>>.Shared.Return(lines, clearArray: true);
            ArrayPool<long>.Shared.Return(lineOffsets);
        }
    }

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

    /// <summary>Reads a line without its EOL; 1.2 also drops a CR before the LF.</summary>
    /// <remarks>
    /// The LF is looked for only as far as the limits allow, and the answer depends on those bytes alone: a line is
    /// refused the same way, with the same error, whether the buffer holds all of the frame or a part of it, and
    /// never waits past a limit.
    /// </remarks>
    private bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        var start = reader.Consumed;

        // Bytes before the LF that may belong to the line: in 1.2 one more, the CR of a CR LF, which is no part of it.
        var lineBytes = Limits.MaxHeaderLineLength + (Version >= StompVersion.V12 ? 1L : 0L);
        var frameLeft = Limits.MaxFrameSize - start;
        var window = Math.Min(lineBytes + 1, frameLeft);
        var unread = reader.UnreadSequence;
        var lf = (unread.Length > window ? unread.Slice(0, window) : unread).PositionOf(Lf);
        if (lf is null)
        {
            line = default;
            if (unread.Length < window)
            {
                return false;
            }

            throw lineBytes + 1 <= frameLeft ? LineTooLong(start) : FrameTooLarge(start);
        }

        line = unread.Slice(0, lf.Value);
        reader.Advance(line.Length + 1);
        if (Version >= StompVersion.V12 && !line.IsEmpty && EndsWithCr(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        // Only 1.2 gets here with a line too long: one more byte than the limit, and not a CR.
        if (line.Length > Limits.MaxHeaderLineLength)
        {
            throw LineTooLong(start);
        }

        return true;
    }

    private StompProtocolException LineTooLong(long lineStart) =>
        new($"A header line is longer than the limit of {Limits.MaxHeaderLineLength} bytes.", lineStart);

    private StompProtocolException FrameTooLarge(long offset) =>
        new($"The frame is larger than the limit of {Limits.MaxFrameSize} bytes.", offset);

    private static bool EndsWithCr(in ReadOnlySequence<byte> line) =>
        line.IsSingleSegment ? line.FirstSpan[^1] == Cr : line.Slice(line.Length - 1).FirstSpan[0] == Cr;

    private static bool StartsWith(in ReadOnlySequence<byte> line, ReadOnlySpan<byte> prefix)
    {
        if (line.Length < prefix.Length)
        {
            return false;
        }

        if (line.FirstSpan.Length >= prefix.Length)
        {
            return line.FirstSpan.StartsWith(prefix);
        }

        Span<byte> head = stackalloc byte[prefix.Length];
        line.Slice(0, prefix.Length).CopyTo(head);
        return head.SequenceEqual(prefix);
    }

    private static StompCommand ParseCommand(in ReadOnlySequence<byte> line)
    {
        Span<byte> name = stackalloc byte[16];
        if (line.Length <= name.Length)
        {
            line.CopyTo(name);
            if (StompCommands.TryParse(name[..(int)line.Length], out var command) && command != StompCommand.Heartbeat)
            {
                return command;
            }
        }

        throw new StompProtocolException($"Unknown command '{HeaderText.Printable(line.Slice(0, Math.Min(line.Length, 40)).ToArray())}'.", 0);
    }

    private long ParseContentLength(in ReadOnlySequence<byte> value, long offset)
    {
        Span<byte> digits = stackalloc byte[24];
        if (value.Length is > 0 and <= 24)
        {
            value.CopyTo(digits);
            var text = digits[..(int)value.Length];
            if (Version == StompVersion.V10)
            {
                text = text.Trim((byte)' ');
            }

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
            $"content-length '{HeaderText.Printable(value.Slice(0, Math.Min(value.Length, 40)).ToArray())}' is not a non-negative integer.", offset);
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

    private KeyValuePair<string, string>[] DecodeHeaders(ReadOnlySequence<byte>[] lines, long[] offsets, int count, bool escaped)
    {
        var headers = new KeyValuePair<string, string>[count];
        for (var i = 0; i < count; i++)
        {
            headers[i] = DecodeHeader(lines[i], offsets[i], escaped);
        }

        return headers;
    }

    private KeyValuePair<string, string> DecodeHeader(in ReadOnlySequence<byte> line, long offset, bool escaped)
    {
        byte[]? rented = null;
        var length = (int)line.Length;
        var span = line.IsSingleSegment
            ? line.FirstSpan
            : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            if (rented is not null)
            {
                line.CopyTo(rented);
            }

            var colon = span.IndexOf((byte)':');
            if (colon < 0)
            {
                throw new StompProtocolException($"Header line '{HeaderText.Printable(span)}' has no colon.", offset);
            }

            if (colon == 0)
            {
                throw new StompProtocolException("A header line has an empty name.", offset);
            }

            var name = HeaderText.Decode(span[..colon], escaped, Version, isName: true, offset);
            var value = HeaderText.Decode(span[(colon + 1)..], escaped, Version, isName: false, offset + colon + 1);
            return new KeyValuePair<string, string>(name, value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void Grow<T>(ref T[] array, int count)
    {
        var bigger = ArrayPool<T>.Shared.Rent(count * 2);
        Array.Copy(array, bigger, count);
        ArrayPool<T>.Shared.Return(array, clearArray: true);
        array = bigger;
    }
}

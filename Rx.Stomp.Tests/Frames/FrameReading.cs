using System.Buffers;
using System.Globalization;
using System.Text;
using Rx.Stomp.Frames;

// Compiled into the tests and into Rx.Stomp.Fuzz (linked): how a reader is fed, and what it made of the input,
// without NUnit, so that the fuzz target checks exactly what the codec tests check.
namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// What a <see cref="FrameReader"/> made of some input: the frames (heart-beats included) read before it stopped,
/// the protocol error that stopped it (if any), and how many input bytes it consumed (the start of the failing
/// frame, or of the incomplete tail).
/// </summary>
public sealed partial record ReadOutcome(IReadOnlyList<Frame> Frames, StompProtocolException? Error, long Consumed)
{
    /// <summary>The frames that are not heart-beats.</summary>
    public IReadOnlyList<Frame> RealFrames => Frames.Where(f => !f.IsHeartbeat).ToList();

    /// <summary>A canonical, byte-exact description used to compare outcomes.</summary>
    public string Describe()
    {
        var builder = new StringBuilder();
        foreach (var frame in Frames)
        {
            builder.Append(FrameText.Canonical(frame)).Append('\n');
        }

        builder.Append(CultureInfo.InvariantCulture, $"consumed={Consumed}");
        if (Error is not null)
        {
            builder.Append(CultureInfo.InvariantCulture, $" error@{Error.Offset}: {Error.Message}");
        }

        return builder.ToString();
    }
}

/// <summary>Canonical text for frames, so that tests compare commands, headers (in order) and bodies exactly.</summary>
public static class FrameText
{
    public static string Canonical(Frame frame) => frame.IsHeartbeat
        ? "<heart-beat>"
        : $"{frame.Command.ToWire()} [{string.Join(", ", frame.Headers.Select(h => $"{Show(h.Key)}={Show(h.Value)}"))}] {Convert.ToHexString(frame.Body.Span)}";

    /// <summary>Text with every non-printable or non-ASCII character shown as a code point.</summary>
    public static string Show(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is >= ' ' and < (char)0x7f and not '"' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Bytes as readable text: printable ASCII as is, the rest as \xNN.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f and not (byte)'\\')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return builder.ToString();
    }
}

/// <summary>A linked segment, to build multi-segment <see cref="ReadOnlySequence{T}"/>s as a pipe would.</summary>
internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public Segment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new Segment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}

/// <summary>Ways of handing bytes to a <see cref="FrameReader"/>, as a transport may deliver them.</summary>
public static class FrameReading
{
    /// <summary>Calls TryRead until it returns false or throws a <see cref="StompProtocolException"/>.</summary>
    public static ReadOutcome ReadAll(FrameReader reader, ReadOnlySequence<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var total = buffer.Length;
        var frames = new List<Frame>();
        try
        {
            while (true)
            {
                var before = buffer.Length;
                if (!reader.TryRead(ref buffer, out var frame))
                {
                    Require(buffer.Length == before, "TryRead returned false but moved the buffer.");
                    break;
                }

                Require(buffer.Length < before, "TryRead returned a frame without consuming input.");
                frames.Add(frame);
            }
        }
        catch (StompProtocolException e)
        {
            return new ReadOutcome(frames, e, total - buffer.Length);
        }

        return new ReadOutcome(frames, null, total - buffer.Length);
    }

    /// <summary>
    /// Reads <paramref name="input"/> the way a pipe delivers it: chunks of the given sizes arrive one after the
    /// other (sizes cycle if they run out); after each arrival TryRead is called until it returns false, and the
    /// unread bytes stay in the buffer for the next arrival.
    /// </summary>
    public static ReadOutcome ReadIncrementally(FrameReader reader, byte[] input, IEnumerable<int> chunkSizes, bool segmented)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(input);
        var sizes = chunkSizes.Where(s => s > 0).DefaultIfEmpty(1).ToArray();
        var chunks = new List<int>();
        for (int at = 0, i = 0; at < input.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], input.Length - at);
            chunks.Add(size);
            at += size;
        }

        var all = segmented ? Chunked(input, chunks) : new ReadOnlySequence<byte>(input);
        var frames = new List<Frame>();
        long consumed = 0;
        long received = 0;
        foreach (var chunk in chunks)
        {
            received += chunk;
            var buffer = all.Slice(consumed, received - consumed);
            try
            {
                while (reader.TryRead(ref buffer, out var frame))
                {
                    frames.Add(frame);
                    consumed = received - buffer.Length;
                }
            }
            catch (StompProtocolException e)
            {
                return new ReadOutcome(frames, e, consumed);
            }
        }

        return new ReadOutcome(frames, null, consumed);
    }

    /// <summary><paramref name="input"/> as a sequence of linked segments of the given sizes (empty ones included).</summary>
    public static ReadOnlySequence<byte> Chunked(byte[] input, IEnumerable<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(input);
        Segment? first = null;
        Segment? last = null;
        var at = 0;
        foreach (var size in sizes)
        {
            var memory = input.AsMemory(at, size);
            at += size;
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        if (at != input.Length)
        {
            throw new ArgumentException("The sizes do not add up to the input length.", nameof(sizes));
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private static void Require(bool condition, string broken)
    {
        if (!condition)
        {
            throw new InvalidOperationException(broken);
        }
    }
}

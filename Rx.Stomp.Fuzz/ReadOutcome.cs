using System.Buffers;
using System.Globalization;
using System.Text;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Fuzz;

/// <summary>What a reader made of a byte stream: the frames read, then the protocol error that stopped it (if any).</summary>
internal sealed record ReadOutcome(IReadOnlyList<Frame> Frames, StompProtocolException? Error, long Consumed)
{
    /// <summary>Reads <paramref name="bytes"/> in one buffer until the reader needs more or refuses them.</summary>
    public static ReadOutcome Whole(FrameReader reader, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var frames = new List<Frame>();
        try
        {
            while (true)
            {
                var before = buffer.Length;
                if (!reader.TryRead(ref buffer, out var frame))
                {
                    Require(buffer.Length == before, "TryRead returned false but moved the buffer");
                    return new ReadOutcome(frames, null, bytes.Length - buffer.Length);
                }

                Require(buffer.Length < before, "TryRead returned a frame without consuming input");
                frames.Add(frame);
            }
        }
        catch (StompProtocolException e)
        {
            return new ReadOutcome(frames, e, bytes.Length - buffer.Length);
        }
    }

    /// <summary>
    /// Reads <paramref name="bytes"/> as a pipe delivers them: <paramref name="chunkSize"/> bytes arrive at a time,
    /// each in a segment of its own, and the unread rest stays for the next arrival.
    /// </summary>
    public static ReadOutcome Chunked(FrameReader reader, byte[] bytes, int chunkSize)
    {
        var all = Segments(bytes, chunkSize);
        var frames = new List<Frame>();
        long consumed = 0;
        for (long received = Math.Min(chunkSize, bytes.Length); ; received = Math.Min(received + chunkSize, bytes.Length))
        {
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

            if (received == bytes.Length)
            {
                return new ReadOutcome(frames, null, consumed);
            }
        }
    }

    /// <summary>A byte-exact description, to compare outcomes.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var frame in Frames)
        {
            text.Append(Describe(frame)).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"consumed {Consumed}");
        if (Error is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", error at {Error.Offset}: {Error.Message}");
        }

        return text.ToString();
    }

    /// <summary>Command, headers in order and body, exactly.</summary>
    public static string Describe(Frame frame) => frame.IsHeartbeat
        ? "<heart-beat>"
        : $"{frame.Command.ToWire()} [{string.Join(", ", frame.Headers.Select(h => $"{Escape(h.Key)}={Escape(h.Value)}"))}] {Convert.ToHexString(frame.Body.Span)}";

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < (char)0x7f and not '\\' ? c.ToString() : $"\\u{(int)c:x4}"));

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzFindingException(what);
        }
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var at = last.Memory.Length; at < bytes.Length; at += last.Memory.Length)
        {
            last = last.Append(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
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
}

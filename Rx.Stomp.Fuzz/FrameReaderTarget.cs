using System.Buffers;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Frames;

namespace Rx.Stomp.Fuzz;

/// <summary>
/// The fuzz target. For any input the reader must (1) give frames or a <see cref="StompProtocolException"/>, no
/// other exception (any other propagates and AFL++ records a crash); (2) give the same outcome whether the stream
/// arrives whole or in chunks; (3) allocate in proportion to the input, however large a length it announces;
/// (4) read back what the writer writes of any frame it read, when the writer accepts that frame. A hang is
/// AFL++'s own timeout.
/// </summary>
internal static class FrameReaderTarget
{
    /// <summary>Generous for any honest decoding (strings, header arrays, a frame per few bytes), far below a runaway.</summary>
    private const long AllocationPerByte = 64;

    private const long AllocationBase = 1 << 20;

    /// <summary>For the read back: escaping may lengthen a line past the limit the frame was first read under.</summary>
    private static readonly FrameLimits Unlimited = new() { MaxFrameSize = int.MaxValue, MaxHeaderCount = int.MaxValue, MaxHeaderLineLength = int.MaxValue };

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (FuzzInput.Decode(data) is not { } input)
        {
            return;
        }

        var reader = new FrameReader(input.Version, input.Limits);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var whole = FrameReading.ReadAll(reader, new ReadOnlySequence<byte>(input.Stream));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (allocated > AllocationBase + AllocationPerByte * input.Stream.Length)
        {
            throw new FuzzFindingException($"Reading {input.Stream.Length} bytes allocated {allocated} bytes.");
        }

        var expected = whole.Describe();
        var chunked = FrameReading.ReadIncrementally(reader, input.Stream, [input.ChunkSize], segmented: true).Describe();
        if (chunked != expected)
        {
            throw new FuzzFindingException($"Read in {input.ChunkSize}-byte chunks:\n{chunked}\nbut whole:\n{expected}");
        }

        foreach (var frame in whole.Frames.Where(f => !f.IsHeartbeat))
        {
            RoundTrip(input.Version, frame);
        }
    }

    /// <summary>Writes <paramref name="frame"/> (as it came: with content-length only if it had one) and reads it back.</summary>
    private static void RoundTrip(StompVersion version, Frame frame)
    {
        var output = new ArrayBufferWriter<byte>();
        try
        {
            new FrameWriter(version).Write(output, frame, contentLength: false);
        }
        catch (StompProtocolException)
        {
            // The writer refuses what it cannot carry (a 1.0 content-length with spaces, say): no round trip to check.
            return;
        }

        var again = FrameReading.ReadAll(new FrameReader(version, Unlimited), new ReadOnlySequence<byte>(output.WrittenSpan.ToArray()));
        var expected = FrameText.Canonical(frame);
        var actual = again.Error is null && again.Frames.Count == 1 ? FrameText.Canonical(again.Frames[0]) : again.Describe();
        if (actual != expected)
        {
            throw new FuzzFindingException($"Written and read again:\n{actual}\nbut read first:\n{expected}");
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>The assertions of a <see cref="ReadOutcome"/>, for the tests.</summary>
public sealed partial record ReadOutcome
{
    /// <summary>Asserts that exactly one non-heart-beat frame was read and nothing failed; returns it.</summary>
    public Frame OnlyFrame()
    {
        Assert.That(Error, Is.Null, () => $"unexpected error: {Error?.Message}");
        Assert.That(RealFrames, Has.Count.EqualTo(1), Describe);
        return RealFrames[0];
    }

    /// <summary>Asserts that reading failed with a protocol error; returns it.</summary>
    public StompProtocolException Failed()
    {
        Assert.That(Error, Is.Not.Null, () => $"expected a StompProtocolException, got {Describe()}");
        return Error!;
    }
}

/// <summary>
/// Feeds bytes to a <see cref="FrameReader"/> in every way a transport may deliver them, and checks that the reader
/// makes the same frames and the same error of all of them.
/// </summary>
public static class FrameFeeder
{
    /// <summary>The bytes of <paramref name="text"/> in UTF-8.</summary>
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Feeds <paramref name="input"/> (UTF-8) to a reader for <paramref name="version"/> in every way; see <see cref="Feed(FrameReader, byte[])"/>.</summary>
    public static ReadOutcome Feed(StompVersion version, string input, FrameLimits? limits = null) =>
        Feed(new FrameReader(version, limits), Bytes(input));

    /// <summary>Feeds <paramref name="input"/> to a reader for <paramref name="version"/> in every way; see <see cref="Feed(FrameReader, byte[])"/>.</summary>
    public static ReadOutcome Feed(StompVersion version, byte[] input, FrameLimits? limits = null) =>
        Feed(new FrameReader(version, limits), input);

    /// <summary>
    /// Reads <paramref name="input"/> (a) whole, (b) one byte per segment, (c) split into two segments at every
    /// offset, (d) incrementally, the buffer growing one byte at a time with a TryRead after each byte, and
    /// (e) the same over one-byte segments, as a pipe hands them out; asserts that every way gives the outcome
    /// of (a), and returns it.
    /// </summary>
    public static ReadOutcome Feed(FrameReader reader, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(input);
        var whole = FrameReading.ReadAll(reader, new ReadOnlySequence<byte>(input));
        var expected = whole.Describe();

        Check("one byte per segment", FrameReading.ReadAll(reader, FrameReading.Chunked(input, Enumerable.Repeat(1, input.Length))));
        for (var split = 0; split <= input.Length; split++)
        {
            Check($"split at offset {split}", FrameReading.ReadAll(reader, FrameReading.Chunked(input, [split, input.Length - split])));
        }

        Check("growing one byte at a time", FrameReading.ReadIncrementally(reader, input, Enumerable.Repeat(1, input.Length), segmented: false));
        Check("growing one byte at a time over one-byte segments", FrameReading.ReadIncrementally(reader, input, Enumerable.Repeat(1, input.Length), segmented: true));
        return whole;

        void Check(string how, ReadOutcome outcome) =>
            Assert.That(outcome.Describe(), Is.EqualTo(expected), () => $"Fed {how}, the reader disagrees with reading the input whole: {FrameText.Show(input)}");
    }
}

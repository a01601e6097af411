using System.Text;
using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;

namespace Rx.Stomp.Tests.Frames;

/// <summary>Heads that are long: many header lines, a head spread over segments, long escaped values.</summary>
public sealed class LongHeadTests
{
    [Test]
    public void A_frame_with_many_headers_keeps_every_one_in_order([Values] StompVersion version)
    {
        var names = Enumerable.Range(0, 40).Select(i => $"h{i}").ToArray();
        var input = $"MESSAGE\n{string.Concat(names.Select(n => $"{n}:v-{n}\n"))}\n\0";

        var frame = Feed(version, input).OnlyFrame();

        Assert.That(frame.Headers.Select(h => $"{h.Key}={h.Value}"), Is.EqualTo(names.Select(n => $"{n}=v-{n}")));
    }

    [TestCase(1)]
    [TestCase(100)]
    [TestCase(9000)]
    public void A_head_longer_than_its_first_segment_is_read(int firstSegment)
    {
        var value = new string('v', 10_000);
        var input = Bytes($"MESSAGE\nk:{value}\n\nbody\0");

        var outcome = FrameReading.ReadAll(new FrameReader(StompVersion.V12), FrameReading.Chunked(input, [firstSegment, input.Length - firstSegment]));

        var frame = outcome.OnlyFrame();
        Assert.That(frame.Headers["k"], Is.EqualTo(value));
        Assert.That(frame.Body.ToArray(), Is.EqualTo(Bytes("body")));
    }

    [Test]
    public void A_long_escaped_value_is_unescaped([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var value = string.Concat(Enumerable.Repeat("a:b\\c\n", 200));
        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\c", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        var frame = FrameReading.ReadAll(new FrameReader(version), new(Encoding.UTF8.GetBytes($"MESSAGE\nk:{escaped}\n\n\0"))).OnlyFrame();

        Assert.That(frame.Headers["k"], Is.EqualTo(value));
    }
}

using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;

namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// The edges of the limits and of content-length: a line refused as soon as it is certain to be too long, the error
/// naming the limit that a line runs into first, and content-length at its bounds.
/// </summary>
public sealed class FrameReaderLimitEdgeTests
{
    private static readonly FrameLimits Limits = new() { MaxFrameSize = 64, MaxHeaderCount = 10, MaxHeaderLineLength = 16 };

    [Test]
    public void In_1_0_and_1_1_a_line_one_byte_over_the_limit_is_refused_before_its_LF_arrives(
        [Values(StompVersion.V10, StompVersion.V11)] StompVersion version)
    {
        // "k:" and 15 bytes: 17 bytes without an LF cannot be a line of at most 16.
        var error = Feed(version, "SEND\nk:123456789abcdef", Limits).Failed();

        Assert.That(error.Message, Does.Contain("header line"));
        Assert.That(error.Offset, Is.EqualTo(5));
    }

    [Test]
    public void In_1_2_a_line_one_byte_over_the_limit_waits_for_the_next_byte_which_may_be_the_CR_of_its_end()
    {
        Assert.That(Feed(StompVersion.V12, "SEND\nk:123456789abcdef", Limits).Describe(), Is.EqualTo("consumed=0"));
    }

    [Test]
    public void A_long_line_that_would_still_fit_in_the_frame_is_refused_as_a_line_too_long(
        [Values(StompVersion.V10, StompVersion.V11)] StompVersion version)
    {
        // The line starts at byte 47: the 17 bytes it may hold (16 and the LF) end exactly at the frame limit of 64.
        // (In 1.2 a line may hold an 18th byte, the CR of its end, so there the frame limit comes first.)
        var error = Feed(version, "SEND\na:0123456789abc\na:0123456789abc\nb:1234567\nc:123456789abcdefgh", Limits).Failed();

        Assert.That(error.Message, Does.Contain("header line"));
        Assert.That(error.Offset, Is.EqualTo(47));
    }

    [Test]
    public void A_long_line_that_runs_into_the_frame_limit_first_is_refused_as_a_frame_too_large([Values] StompVersion version)
    {
        // The line starts at byte 48: 16 bytes take it to the frame limit, before a 17th could end it.
        var error = Feed(version, "SEND\na:0123456789abc\na:0123456789abc\nb:12345678\nc:123456789abcdefgh", Limits).Failed();

        Assert.That(error.Message, Does.Contain("frame is larger"));
        Assert.That(error.Offset, Is.EqualTo(48));
    }

    [Test]
    public void Content_length_0_must_be_followed_by_the_NUL([Values] StompVersion version)
    {
        var error = Feed(version, "SEND\ncontent-length:0\n\nab\0").Failed();

        Assert.That(error.Message, Does.Contain("No NUL"));
        Assert.That(error.Offset, Is.EqualTo(23));
    }

    [Test]
    public void A_first_content_length_of_0_wins_over_a_later_one([Values] StompVersion version)
    {
        var frame = Feed(version, "SEND\ncontent-length:0\ncontent-length:3\n\n\0").OnlyFrame();

        Assert.That(frame.Body.IsEmpty, Is.True);
        Assert.That(frame.Headers.GetAll(StompHeaderNames.ContentLength), Is.EqualTo(new[] { "0", "3" }));
    }

    [Test]
    public void Content_length_is_read_up_to_24_bytes_long([Values] StompVersion version)
    {
        var padded = new string('0', 23) + "1";

        Assert.That(Feed(version, $"SEND\ncontent-length:{padded}\n\nx\0").OnlyFrame().Body.Length, Is.EqualTo(1));
    }

    [Test]
    public void Content_length_longer_than_24_bytes_is_refused_even_if_it_is_a_number([Values] StompVersion version)
    {
        var padded = new string('0', 24) + "1";

        var error = Feed(version, $"SEND\ncontent-length:{padded}\n\nx\0").Failed();

        Assert.That(error.Message, Does.Contain("content-length"));
        Assert.That(error.Offset, Is.EqualTo(5));
    }

    [Test]
    public void Content_length_equal_to_the_frame_limit_is_refused_for_the_frame_it_makes([Values] StompVersion version)
    {
        // content-length alone fits in 64, but with the 24 bytes of head and the NUL the frame would not: the error
        // is the frame's, at the end of its head, as for any content-length that takes the frame over the limit.
        var error = Feed(version, "SEND\ncontent-length:64\n\n", Limits with { MaxHeaderLineLength = 32 }).Failed();

        Assert.That(error.Message, Does.Contain("frame is larger"));
        Assert.That(error.Offset, Is.EqualTo(24));
    }

    [TestCase(" 5")]
    [TestCase("5 ")]
    [TestCase("  5  ")]
    public void In_1_0_content_length_may_have_spaces_around_it(string value)
    {
        Assert.That(Feed(StompVersion.V10, $"SEND\ncontent-length:{value}\n\n12345\0").OnlyFrame().Body.Length, Is.EqualTo(5));
    }

    [Test]
    public void In_1_0_content_length_of_spaces_only_is_an_error()
    {
        var error = Feed(StompVersion.V10, "SEND\ncontent-length:   \n\n").Failed();

        Assert.That(error.Message, Does.Contain("content-length"));
        Assert.That(error.Offset, Is.EqualTo(5));
    }
}

using System.Text;
using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;

namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// The Framing section of docs/stomp-conformance.md, line by line. Every input goes through
/// <see cref="FrameFeeder.Feed(FrameReader, byte[])"/>: read whole, one byte per segment, split at every offset and
/// grown one byte at a time, with the same outcome required of each.
/// </summary>
public sealed class FrameReaderTests
{
    private static readonly StompCommand[] AllCommands = Enum.GetValues<StompCommand>().Where(c => c != StompCommand.Heartbeat).ToArray();
    private static readonly StompCommand[] BodyCommands = [StompCommand.Send, StompCommand.Message, StompCommand.Error];
    private static readonly StompCommand[] BodylessCommands = AllCommands.Except(BodyCommands).ToArray();

    private static readonly FrameLimits Small = new() { MaxFrameSize = 64, MaxHeaderCount = 3, MaxHeaderLineLength = 16 };

    // ---- Line ends: 1.2 lines end in [CR] LF; 1.0/1.1 lines end in LF and a CR is part of the line.

    [Test]
    public void A_frame_with_LF_line_ends_is_read_in_every_version([Values] StompVersion version)
    {
        var frame = Feed(version, "SEND\ndestination:/queue/a\nreceipt:r-1\n\nhello\0").OnlyFrame();

        Assert.That(frame.Command, Is.EqualTo(StompCommand.Send));
        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("destination", "/queue/a"), Header("receipt", "r-1") }));
        Assert.That(frame.Body.ToArray(), Is.EqualTo(Bytes("hello")));
    }

    [Test]
    public void In_1_2_CR_LF_line_ends_are_stripped_from_command_headers_and_blank_line()
    {
        var frame = Feed(StompVersion.V12, "MESSAGE\r\ndestination:/queue/a\r\nfoo:bar\r\n\r\nhi\0").OnlyFrame();

        Assert.That(frame.Command, Is.EqualTo(StompCommand.Message));
        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("destination", "/queue/a"), Header("foo", "bar") }));
        Assert.That(frame.Body.ToArray(), Is.EqualTo(Bytes("hi")));
    }

    [Test]
    public void In_1_2_mixed_line_ends_are_accepted()
    {
        var frame = Feed(StompVersion.V12, "MESSAGE\na:1\r\nb:2\n\r\nx\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("a", "1"), Header("b", "2") }));
        Assert.That(frame.Body.ToArray(), Is.EqualTo(Bytes("x")));
    }

    [Test]
    public void In_1_0_and_1_1_a_CR_before_LF_is_part_of_the_header_value([Values(StompVersion.V10, StompVersion.V11)] StompVersion version)
    {
        var frame = Feed(version, "MESSAGE\nfoo:bar\r\nbaz:\r\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("foo", "bar\r"), Header("baz", "\r") }));
    }

    [Test]
    public void In_1_0_and_1_1_a_CR_LF_command_line_is_an_unknown_command([Values(StompVersion.V10, StompVersion.V11)] StompVersion version)
    {
        var error = Feed(version, "SEND\r\ndestination:/q\r\n\r\nx\0").Failed();

        Assert.That(error.Message, Does.Contain("Unknown command"));
        Assert.That(error.Offset, Is.Zero);
    }

    [Test]
    public void In_1_1_a_CR_LF_blank_line_is_a_header_line_without_colon()
    {
        // "MESSAGE\n" is 8 bytes and "foo:bar\n" 8 more: the line "\r" starts at byte 16.
        var error = Feed(StompVersion.V11, "MESSAGE\nfoo:bar\n\r\n\nbody\0").Failed();

        Assert.That(error.Message, Does.Contain("no colon"));
        Assert.That(error.Offset, Is.EqualTo(16));
    }

    // ---- Heart-beats: any number of EOLs (LF or CR LF) between frames.

    [Test]
    public void Heart_beats_before_between_and_after_frames_are_skipped([Values] StompVersion version)
    {
        var outcome = Feed(version, "\n\r\n\nSEND\n\na\0\r\n\n\r\nMESSAGE\n\nb\0\n");

        Assert.That(outcome.Error, Is.Null);
        Assert.That(outcome.Frames.Select(f => f.Command), Is.EqualTo(new[]
        {
            StompCommand.Heartbeat, StompCommand.Heartbeat, StompCommand.Heartbeat, StompCommand.Send,
            StompCommand.Heartbeat, StompCommand.Heartbeat, StompCommand.Heartbeat, StompCommand.Message,
            StompCommand.Heartbeat,
        }));
        Assert.That(outcome.Frames.Where(f => f.IsHeartbeat), Has.All.SameAs(Frame.Heartbeat));
        Assert.That(outcome.RealFrames.Select(f => Encoding.ASCII.GetString(f.Body.Span)), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(outcome.Consumed, Is.EqualTo(Bytes("\n\r\n\nSEND\n\na\0\r\n\n\r\nMESSAGE\n\nb\0\n").Length));
    }

    [Test]
    public void Many_heart_beats_in_a_row_are_each_one_heart_beat([Values] StompVersion version)
    {
        var input = string.Concat(Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? "\r\n" : "\n"));

        var outcome = Feed(version, input);

        Assert.That(outcome.Error, Is.Null);
        Assert.That(outcome.Frames, Has.Count.EqualTo(50).And.All.SameAs(Frame.Heartbeat));
        Assert.That(outcome.Consumed, Is.EqualTo(input.Length));
    }

    [Test]
    public void A_CR_alone_at_the_end_waits_for_its_LF([Values] StompVersion version)
    {
        var outcome = Feed(version, "SEND\n\n\0\r");

        Assert.That(outcome.Error, Is.Null);
        Assert.That(outcome.Frames, Has.Count.EqualTo(1));
        Assert.That(outcome.Consumed, Is.EqualTo(7));
    }

    [Test]
    public void A_CR_between_frames_not_followed_by_LF_is_an_error_at_the_CR([Values] StompVersion version)
    {
        var outcome = Feed(version, "\nSEND\n\n\0\rSEND\n\n\0");

        var error = outcome.Failed();
        Assert.That(outcome.Frames, Has.Count.EqualTo(2));
        Assert.That(outcome.Consumed, Is.EqualTo(8));
        Assert.That(error.Offset, Is.Zero);
    }

    // ---- Commands and header names are case-sensitive.

    [Test]
    public void Every_command_is_read_by_its_exact_name(
        [ValueSource(nameof(AllCommands))] StompCommand command, [Values] StompVersion version)
    {
        var frame = Feed(version, $"{command.ToWire()}\nk:v\n\n\0").OnlyFrame();

        Assert.That(frame.Command, Is.EqualTo(command));
        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("k", "v") }));
    }

    [Test]
    public void A_command_in_another_case_is_an_unknown_command(
        [Values("send", "Send", "sEND", "message", "Connected", "error", "SEND ", " SEND", "SEN", "SENDS", "HEARTBEAT", "\0")] string command,
        [Values] StompVersion version)
    {
        // Only the command line arrives: an unknown command is refused without waiting for the rest.
        var error = Feed(version, command + "\n").Failed();

        Assert.That(error.Message, Does.Contain("Unknown command"));
        Assert.That(error.Offset, Is.Zero);
    }

    [Test]
    public void Header_names_are_case_sensitive_Content_Length_is_not_content_length([Values] StompVersion version)
    {
        // Were Content-Length taken for content-length, the body would be 1 byte with no NUL after it: an error.
        var frame = Feed(version, "MESSAGE\nContent-Length:1\n\nabc\0").OnlyFrame();

        Assert.That(frame.Body.ToArray(), Is.EqualTo(Bytes("abc")));
        Assert.That(frame.Headers["Content-Length"], Is.EqualTo("1"));
        Assert.That(frame.Headers[StompHeaderNames.ContentLength], Is.Null);
    }

    // ---- content-length: exactly N octets whatever they contain, then the NUL.

    [Test]
    public void Content_length_reads_a_body_holding_NULs_and_the_next_frame_follows([Values] StompVersion version)
    {
        var outcome = Feed(version, "MESSAGE\ncontent-length:5\n\na\0b\0c\0\nRECEIPT\nreceipt-id:7\n\n\0");

        Assert.That(outcome.Error, Is.Null);
        var frames = outcome.RealFrames;
        Assert.That(frames, Has.Count.EqualTo(2));
        Assert.That(frames[0].Body.ToArray(), Is.EqualTo(new byte[] { (byte)'a', 0, (byte)'b', 0, (byte)'c' }));
        Assert.That(frames[0].Headers[StompHeaderNames.ContentLength], Is.EqualTo("5"));
        Assert.That(frames[1].Command, Is.EqualTo(StompCommand.Receipt));
        Assert.That(frames[1].Headers[StompHeaderNames.ReceiptId], Is.EqualTo("7"));
    }

    [Test]
    public void Content_length_of_a_body_of_only_NULs([Values] StompVersion version)
    {
        var frame = Feed(version, "SEND\ncontent-length:3\n\n\0\0\0\0").OnlyFrame();

        Assert.That(frame.Body.ToArray(), Is.EqualTo(new byte[3]));
    }

    [TestCase("0", "")]
    [TestCase("000", "")]
    [TestCase("002", "ab")]
    public void Content_length_digits(string declared, string body)
    {
        foreach (var version in StompVersions.All)
        {
            var frame = Feed(version, $"SEND\ncontent-length:{declared}\n\n{body}\0").OnlyFrame();
            Assert.That(frame.Body.ToArray(), Is.EqualTo(Bytes(body)), version.ToString());
        }
    }

    [Test]
    public void Content_length_with_no_NUL_after_N_bytes_is_an_error_at_byte_N([Values] StompVersion version)
    {
        // "SEND\ncontent-length:2\n\n" is 23 bytes: the NUL is due at 23 + 2 = 25, where 'c' is.
        var error = Feed(version, "SEND\ncontent-length:2\n\nabc\0").Failed();

        Assert.That(error.Message, Does.Contain("No NUL"));
        Assert.That(error.Offset, Is.EqualTo(25));
    }

    [Test]
    public void Content_length_that_is_not_a_non_negative_integer_is_an_error_without_waiting_for_a_body(
        [Values("-1", "-0", "abc", "", "5x", "+5", "0x10", "1e3", "5.0", "\u0665", "99999999999999999999999999", "9223372036854775808")] string value,
        [Values] StompVersion version)
    {
        // The frame stops after the header block: the reader must not wait for a body it cannot measure.
        var error = Feed(version, $"SEND\ncontent-length:{value}\n\n").Failed();

        Assert.That(error.Message, Does.Contain("content-length"));
        Assert.That(error.Offset, Is.EqualTo(5));
    }

    [Test]
    public void Content_length_with_spaces_is_an_error_in_1_1_and_1_2(
        [Values(" 5", "5 ", " 5 ", "5\t")] string value, [Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var error = Feed(version, $"SEND\ncontent-length:{value}\n\n12345\0").Failed();

        Assert.That(error.Message, Does.Contain("content-length"));
        Assert.That(error.Offset, Is.EqualTo(5));
    }

    [Test]
    public void Content_length_followed_by_CR_LF_is_a_number_only_in_1_2([Values] StompVersion version)
    {
        var outcome = Feed(version, "SEND\ncontent-length:1\r\n\nx\0");

        if (version == StompVersion.V12)
        {
            Assert.That(outcome.OnlyFrame().Body.ToArray(), Is.EqualTo(Bytes("x")));
        }
        else
        {
            Assert.That(outcome.Failed().Message, Does.Contain("content-length"));
        }
    }

    [Test]
    public void Content_length_larger_than_the_frame_size_limit_is_an_error_without_waiting([Values] StompVersion version)
    {
        // The default limit is 16 MiB = 16777216 bytes: one byte more is refused at the header line itself.
        var error = Feed(version, "SEND\ncontent-length:16777217\n\n").Failed();

        Assert.That(error.Message, Does.Contain("limit"));
        Assert.That(error.Offset, Is.EqualTo(5));
    }

    [Test]
    public void Content_length_near_long_MaxValue_is_an_error_without_waiting([Values] StompVersion version)
    {
        Assert.That(Feed(version, "SEND\ncontent-length:9223372036854775807\n\n").Failed().Offset, Is.EqualTo(5));
    }

    [Test]
    public void Content_length_that_would_take_the_frame_over_the_limit_is_an_error_without_waiting([Values] StompVersion version)
    {
        // Header block "SEND\ncontent-length:41\n\n" is 24 bytes; 24 + 41 + NUL = 66 > 64.
        var error = Feed(version, "SEND\ncontent-length:41\n\n", Small with { MaxHeaderLineLength = 32 }).Failed();

        Assert.That(error.Message, Does.Contain("limit"));
        Assert.That(error.Offset, Is.EqualTo(24));
    }

    [Test]
    public void Content_length_that_fills_the_frame_size_limit_exactly_is_accepted([Values] StompVersion version)
    {
        // 24 + 39 + NUL = 64.
        var body = new string('x', 39);

        var frame = Feed(version, $"SEND\ncontent-length:39\n\n{body}\0", Small with { MaxHeaderLineLength = 32 }).OnlyFrame();

        Assert.That(frame.Body.Length, Is.EqualTo(39));
    }

    [Test]
    public void The_first_content_length_wins([Values] StompVersion version)
    {
        var frame = Feed(version, "SEND\ncontent-length:3\ncontent-length:1\n\na\0c\0").OnlyFrame();

        Assert.That(frame.Body.ToArray(), Is.EqualTo(new byte[] { (byte)'a', 0, (byte)'c' }));
        Assert.That(frame.Headers.GetAll(StompHeaderNames.ContentLength), Is.EqualTo(new[] { "3", "1" }));
    }

    // ---- Without content-length the body ends at the first NUL.

    [Test]
    public void Without_content_length_the_body_ends_at_the_first_NUL([Values] StompVersion version)
    {
        var outcome = Feed(version, "SEND\n\nab\0cd\0");

        Assert.That(outcome.Error, Is.Null);
        Assert.That(outcome.OnlyFrame().Body.ToArray(), Is.EqualTo(Bytes("ab")));

        // "cd\0" is the start of a command line with no LF yet: it waits.
        Assert.That(outcome.Consumed, Is.EqualTo(9));
    }

    [Test]
    public void An_incomplete_frame_waits_and_consumes_nothing([Values] StompVersion version)
    {
        foreach (var partial in new[] { "S", "SEND", "SEND\n", "SEND\nk:v", "SEND\nk:v\n", "SEND\nk:v\n\n", "SEND\nk:v\n\nbody", "SEND\ncontent-length:3\n\nab\0" })
        {
            var outcome = Feed(version, partial);
            Assert.That(outcome.Describe(), Is.EqualTo("consumed=0"), partial);
        }
    }

    // ---- Only SEND, MESSAGE and ERROR carry bodies.

    [Test]
    public void A_body_on_SEND_MESSAGE_or_ERROR_is_read(
        [ValueSource(nameof(BodyCommands))] StompCommand command, [Values] StompVersion version)
    {
        Assert.That(Feed(version, $"{command.ToWire()}\n\nbody\0").OnlyFrame().Body.ToArray(), Is.EqualTo(Bytes("body")));
    }

    [Test]
    public void A_body_on_any_other_command_is_an_error_at_the_body(
        [ValueSource(nameof(BodylessCommands))] StompCommand command, [Values] StompVersion version)
    {
        var head = $"{command.ToWire()}\nreceipt-id:1\n\n";

        var error = Feed(version, head + "x\0").Failed();

        Assert.That(error.Message, Does.Contain("carries no body"));
        Assert.That(error.Offset, Is.EqualTo(head.Length));
    }

    [Test]
    public void A_body_on_RECEIPT_declared_by_content_length_is_an_error([Values] StompVersion version)
    {
        Assert.That(Feed(version, "RECEIPT\ncontent-length:1\n\n\0\0").Failed().Offset, Is.EqualTo(26));
    }

    [Test]
    public void An_empty_body_with_content_length_0_is_fine_on_RECEIPT([Values] StompVersion version)
    {
        Assert.That(Feed(version, "RECEIPT\ncontent-length:0\n\n\0").OnlyFrame().Body.IsEmpty, Is.True);
    }

    // ---- Caps: frame size, header count, header line length. A clear error, never unbounded memory.

    [Test]
    public void The_header_count_limit_is_inclusive([Values] StompVersion version)
    {
        Assert.That(Feed(version, "SEND\na:1\nb:2\nc:3\n\n\0", Small).OnlyFrame().Headers, Has.Count.EqualTo(3));
    }

    [Test]
    public void One_header_more_than_the_limit_is_an_error_at_that_line_without_waiting([Values] StompVersion version)
    {
        var error = Feed(version, "SEND\na:1\nb:2\nc:3\nd:4\n", Small).Failed();

        Assert.That(error.Message, Does.Contain("headers"));
        Assert.That(error.Offset, Is.EqualTo(17));
    }

    [Test]
    public void A_header_line_as_long_as_the_limit_is_accepted([Values] StompVersion version)
    {
        var line = "k:" + new string('v', 14);

        Assert.That(Feed(version, $"SEND\n{line}\n\n\0", Small).OnlyFrame().Headers["k"], Has.Length.EqualTo(14));
    }

    [Test]
    public void In_1_2_the_CR_of_a_CR_LF_does_not_count_towards_the_header_line_limit()
    {
        var line = "k:" + new string('v', 14);

        Assert.That(Feed(StompVersion.V12, $"SEND\r\n{line}\r\n\r\n\0", Small).OnlyFrame().Headers["k"], Has.Length.EqualTo(14));
    }

    [Test]
    public void A_header_line_longer_than_the_limit_is_an_error_at_the_line([Values] StompVersion version)
    {
        var line = "k:" + new string('v', 15);

        var error = Feed(version, $"SEND\n{line}\n\n\0", Small).Failed();

        Assert.That(error.Message, Does.Contain("line"));
        Assert.That(error.Offset, Is.EqualTo(5));
    }

    [Test]
    public void An_endless_header_line_without_LF_is_refused_once_past_the_limit([Values] StompVersion version)
    {
        // Read whole, the buffer holds 100 bytes of a line and no LF: the reader must throw, not ask for more.
        var error = Feed(version, "SEND\n" + new string('v', 100), Small).Failed();

        Assert.That(error.Offset, Is.EqualTo(5));
    }

    [Test]
    public void An_endless_command_line_is_refused_once_past_the_limit([Values] StompVersion version)
    {
        var error = Feed(version, new string('S', 100), Small).Failed();

        Assert.That(error.Offset, Is.Zero);
    }

    [Test]
    public void A_frame_as_large_as_the_limit_is_accepted_with_or_without_content_length([Values] StompVersion version)
    {
        // "SEND\n\n" + 57 bytes + NUL = 64.
        Assert.That(Feed(version, "SEND\n\n" + new string('x', 57) + "\0", Small).OnlyFrame().Body.Length, Is.EqualTo(57));
    }

    [Test]
    public void A_complete_frame_without_content_length_larger_than_the_limit_is_an_error([Values] StompVersion version)
    {
        // 6 + 58 + NUL = 65 > 64, and every byte of it is in the buffer.
        var error = Feed(version, "SEND\n\n" + new string('x', 58) + "\0", Small).Failed();

        Assert.That(error.Message, Does.Contain("limit"));
        Assert.That(error.Offset, Is.EqualTo(6));
    }

    [Test]
    public void A_body_without_NUL_is_refused_once_past_the_limit([Values] StompVersion version)
    {
        var error = Feed(version, "SEND\n\n" + new string('x', 100), Small).Failed();

        Assert.That(error.Message, Does.Contain("limit"));
        Assert.That(error.Offset, Is.EqualTo(6));
    }

    [Test]
    public void Headers_larger_than_the_frame_size_limit_are_refused([Values] StompVersion version)
    {
        var limits = Small with { MaxHeaderCount = 100 };
        var input = "SEND\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"h:{i:00}\n"));

        var error = Feed(version, input, limits).Failed();

        Assert.That(error.Message, Does.Contain("limit"));
    }

    [Test]
    public void Limits_below_the_minimum_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FrameReader(StompVersion.V12, new FrameLimits { MaxFrameSize = 15 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FrameReader(StompVersion.V12, new FrameLimits { MaxHeaderCount = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FrameReader(StompVersion.V12, new FrameLimits { MaxHeaderLineLength = 15 }));
    }

    [Test]
    public void The_default_frame_size_limit_is_at_least_RabbitMQs_4_MB()
    {
        Assert.That(FrameLimits.Default.MaxFrameSize, Is.GreaterThanOrEqualTo(4 * 1024 * 1024));
    }

    // ---- Header lines that are not name:value.

    [Test]
    public void A_header_line_without_colon_is_an_error_at_the_line([Values] StompVersion version)
    {
        var error = Feed(version, "MESSAGE\na:1\nnocolon\n\n\0").Failed();

        Assert.That(error.Message, Does.Contain("no colon"));
        Assert.That(error.Offset, Is.EqualTo(12));
    }

    [Test]
    public void A_header_with_an_empty_name_is_an_error_at_the_line([Values] StompVersion version)
    {
        var error = Feed(version, "MESSAGE\n:value\n\n\0").Failed();

        Assert.That(error.Message, Does.Contain("empty name"));
        Assert.That(error.Offset, Is.EqualTo(8));
    }

    [Test]
    public void A_header_with_an_empty_value_is_fine([Values] StompVersion version)
    {
        Assert.That(Feed(version, "MESSAGE\nk:\n\n\0").OnlyFrame().Headers, Is.EqualTo(new[] { Header("k", "") }));
    }

    // ---- Header text is UTF-8.

    [Test]
    public void UTF_8_header_text_is_decoded([Values] StompVersion version)
    {
        var frame = Feed(version, "MESSAGE\nnäme:日本語 😀 é\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("näme", "日本語 😀 é") }));
    }

    [TestCase(new byte[] { 0xff })]
    [TestCase(new byte[] { 0xc3 })]
    [TestCase(new byte[] { 0xc0, 0x80 })]
    [TestCase(new byte[] { 0xed, 0xa0, 0x80 })]
    [TestCase(new byte[] { 0xf4, 0x90, 0x80, 0x80 })]
    [TestCase(new byte[] { 0x80 })]
    public void Invalid_UTF_8_in_a_header_value_is_an_error_at_the_bad_byte(byte[] bad)
    {
        foreach (var version in StompVersions.All)
        {
            // "MESSAGE\n" 8 + "a:1\n" 4 + "k:ok" 4: the bad bytes start at 16.
            var input = Concat("MESSAGE\na:1\nk:ok", bad, "\n\n\0");

            var error = Feed(version, input).Failed();

            Assert.That(error.Message, Does.Contain("UTF-8"), version.ToString());
            Assert.That(error.Offset, Is.EqualTo(16), version.ToString());
        }
    }

    [Test]
    public void Invalid_UTF_8_in_a_header_name_is_an_error_at_the_bad_byte([Values] StompVersion version)
    {
        var error = Feed(version, Concat("MESSAGE\nab", [0xfe], "c:v\n\n\0")).Failed();

        Assert.That(error.Message, Does.Contain("UTF-8"));
        Assert.That(error.Offset, Is.EqualTo(10));
    }

    [Test]
    public void Invalid_UTF_8_after_escapes_is_reported_at_its_wire_offset([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        // "MESSAGE\n" 8 + "k:" 2 + "\c\c\\" 6: 0xff is at byte 16 on the wire (byte 13 of the unescaped header).
        var error = Feed(version, Concat("MESSAGE\nk:\\c\\c\\\\", [0xff], "\n\n\0")).Failed();

        Assert.That(error.Message, Does.Contain("UTF-8"));
        Assert.That(error.Offset, Is.EqualTo(16));
    }

    [Test]
    public void Invalid_UTF_8_in_the_body_is_not_the_readers_business([Values] StompVersion version)
    {
        var frame = Feed(version, Concat("SEND\n\n", [0xff, 0xfe, 0xc3], "\0")).OnlyFrame();

        Assert.That(frame.Body.ToArray(), Is.EqualTo(new byte[] { 0xff, 0xfe, 0xc3 }));
    }

    // ---- Offsets are relative to the frame, wherever it sits in the stream.

    [Test]
    public void Offsets_count_from_the_start_of_the_failing_frame([Values] StompVersion version)
    {
        var outcome = Feed(version, "\r\nSEND\n\nfirst\0\n\nSEND\ncontent-length:2\n\nabc\0");

        var error = outcome.Failed();
        Assert.That(outcome.RealFrames, Has.Count.EqualTo(1));
        Assert.That(outcome.Consumed, Is.EqualTo(16));
        Assert.That(error.Offset, Is.EqualTo(25));
        Assert.That(error.Message, Does.EndWith("(at byte 25 of the frame)"));
    }

    internal static KeyValuePair<string, string> Header(string name, string value) => new(name, value);

    internal static byte[] Concat(string before, byte[] middle, string after) => [.. Bytes(before), .. middle, .. Bytes(after)];
}

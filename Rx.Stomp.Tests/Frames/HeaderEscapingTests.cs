using System.Buffers;
using System.Text;
using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;
using static Rx.Stomp.Tests.Frames.FrameReaderTests;

namespace Rx.Stomp.Tests.Frames;

/// <summary>The Headers section of docs/stomp-conformance.md: escaping per version, reading and writing.</summary>
public sealed class HeaderEscapingTests
{
    private static readonly StompCommand[] UnescapedCommands = [StompCommand.Connect, StompCommand.Stomp, StompCommand.Connected];

    private static readonly StompCommand[] EscapedCommands =
        Enum.GetValues<StompCommand>().Where(c => c != StompCommand.Heartbeat).Except(UnescapedCommands).ToArray();

    // ---- Reading: 1.2 escapes \r \n \c \\; 1.1 escapes \n \c \\ only; any other escape is fatal.

    [Test]
    public void In_1_2_the_four_escapes_are_decoded_in_values([ValueSource(nameof(EscapedCommands))] StompCommand command)
    {
        var frame = Feed(StompVersion.V12, $"{command.ToWire()}\nk:a\\rb\\nc\\cd\\\\e\\\\n\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("k", "a\rb\nc:d\\e\\n") }));
    }

    [Test]
    public void In_1_1_three_escapes_are_decoded_in_values([ValueSource(nameof(EscapedCommands))] StompCommand command)
    {
        var frame = Feed(StompVersion.V11, $"{command.ToWire()}\nk:b\\nc\\cd\\\\e\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("k", "b\nc:d\\e") }));
    }

    [Test]
    public void In_1_1_the_CR_escape_is_undefined_and_an_error_at_its_backslash()
    {
        // "MESSAGE\n" 8 + "k:ab" 4: the backslash is byte 12.
        var error = Feed(StompVersion.V11, "MESSAGE\nk:ab\\rc\n\n\0").Failed();

        Assert.That(error.Message, Does.Contain("escape"));
        Assert.That(error.Offset, Is.EqualTo(12));
    }

    [Test]
    public void An_undefined_escape_is_an_error_at_its_backslash(
        [Values("\\t", "\\0", "\\a", "\\C", "\\N", "\\R", "\\ ", "\\:", "\\x41", "\\u0041", "\\é")] string escape,
        [Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var error = Feed(version, $"MESSAGE\nk:ab{escape}\n\n\0").Failed();

        Assert.That(error.Message, Does.Contain("escape"));
        Assert.That(error.Offset, Is.EqualTo(12));
    }

    [Test]
    public void An_undefined_escape_in_a_name_is_an_error_at_its_backslash([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var error = Feed(version, "MESSAGE\na:1\nna\\tme:v\n\n\0").Failed();

        Assert.That(error.Message, Does.Contain("escape"));
        Assert.That(error.Offset, Is.EqualTo(14));
    }

    [Test]
    public void A_header_ending_in_a_lone_backslash_is_an_error_at_it([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var error = Feed(version, "MESSAGE\nk:abc\\\n\n\0").Failed();

        Assert.That(error.Offset, Is.EqualTo(13));
    }

    [Test]
    public void A_name_ending_in_a_lone_backslash_is_an_error([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        // The raw colon after the backslash ends the name, so the name "k\" ends in a lone backslash.
        var error = Feed(version, "MESSAGE\nk\\:v\n\n\0").Failed();

        Assert.That(error.Offset, Is.EqualTo(9));
    }

    [Test]
    public void Names_are_unescaped_as_well_as_values([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var frame = Feed(version, "MESSAGE\na\\cb\\\\c\\nd:x\\cy\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("a:b\\c\nd", "x:y") }));
    }

    [Test]
    public void In_1_2_an_escaped_CR_in_a_name_is_decoded()
    {
        Assert.That(Feed(StompVersion.V12, "MESSAGE\na\\rb:v\n\n\0").OnlyFrame().Headers, Is.EqualTo(new[] { Header("a\rb", "v") }));
    }

    [Test]
    public void An_escaped_colon_in_a_name_does_not_end_the_name([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        // Escaped or not decides where the name ends: a\cb is the name, the raw colon after it the separator.
        Assert.That(Feed(version, "MESSAGE\na\\cb:c\n\n\0").OnlyFrame().Headers, Is.EqualTo(new[] { Header("a:b", "c") }));
    }

    [Test]
    public void A_header_value_with_raw_colons_is_kept_whole_in_every_version([Values] StompVersion version)
    {
        // A bug other clients shipped: values split at every colon.
        var frame = Feed(version, "MESSAGE\nurl:http://host:8080/a:b\ntime:12:30:45\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("url", "http://host:8080/a:b"), Header("time", "12:30:45") }));
    }

    // ---- 1.0: no escaping; split each line at the first colon.

    [Test]
    public void In_1_0_backslashes_are_plain_text_in_names_and_values()
    {
        var frame = Feed(StompVersion.V10, "MESSAGE\nna\\me:a\\nb\\c\\\\d\\t\\r\\\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("na\\me", "a\\nb\\c\\\\d\\t\\r\\") }));
    }

    [Test]
    public void In_1_0_a_line_is_split_at_its_first_colon()
    {
        var frame = Feed(StompVersion.V10, "MESSAGE\nk::v:\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("k", ":v:") }));
    }

    // ---- CONNECT, STOMP and CONNECTED are never escaped.

    [Test]
    public void CONNECT_STOMP_and_CONNECTED_headers_are_read_raw(
        [ValueSource(nameof(UnescapedCommands))] StompCommand command, [Values] StompVersion version)
    {
        // \t and a lone trailing backslash would be fatal in an escaped frame.
        var frame = Feed(version, $"{command.ToWire()}\nlogin:a\\cb\npasscode:p:a\\ss\\\\w\\t\\\nna\\me:v\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[]
        {
            Header("login", "a\\cb"), Header("passcode", "p:a\\ss\\\\w\\t\\"), Header("na\\me", "v"),
        }));
    }

    [Test]
    public void A_passcode_holding_colon_and_backslash_goes_out_raw_in_CONNECT_and_comes_back(
        [ValueSource(nameof(UnescapedCommands))] StompCommand command, [Values] StompVersion version)
    {
        var frame = new Frame(command, StompHeaders.Create(("login", "guest"), ("passcode", "p:a\\ss\\c")));

        var bytes = Write(version, frame);

        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo($"{command.ToWire()}\nlogin:guest\npasscode:p:a\\ss\\c\n\n\0"));
        Assert.That(Feed(version, bytes).OnlyFrame().Headers, Is.EqualTo(frame.Headers));
    }

    // ---- Writing.

    [Test]
    public void In_1_2_the_writer_escapes_CR_LF_colon_and_backslash_in_names_and_values(
        [ValueSource(nameof(EscapedCommands))] StompCommand command)
    {
        var frame = new Frame(command, StompHeaders.Create(("n:a\\m\re\n", "a\rb\nc:d\\e")));

        var text = Encoding.UTF8.GetString(Write(StompVersion.V12, frame, contentLength: false));

        Assert.That(text, Is.EqualTo($"{command.ToWire()}\nn\\ca\\\\m\\re\\n:a\\rb\\nc\\cd\\\\e\n\n\0"));
    }

    [Test]
    public void In_1_1_the_writer_escapes_LF_colon_and_backslash_in_names_and_values(
        [ValueSource(nameof(EscapedCommands))] StompCommand command)
    {
        var frame = new Frame(command, StompHeaders.Create(("n:a\\me\n", "b\nc:d\\e")));

        var text = Encoding.UTF8.GetString(Write(StompVersion.V11, frame, contentLength: false));

        Assert.That(text, Is.EqualTo($"{command.ToWire()}\nn\\ca\\\\me\\n:b\\nc\\cd\\\\e\n\n\0"));
    }

    [Test]
    public void In_1_1_the_writer_refuses_a_CR_it_cannot_escape([Values] bool inName)
    {
        var frame = new Frame(StompCommand.Send, StompHeaders.Create(inName ? ("a\rb", "v") : ("k", "a\rb")));

        AssertRefused(StompVersion.V11, frame);
    }

    [Test]
    public void In_1_0_the_writer_sends_colons_and_backslashes_in_values_raw()
    {
        var frame = new Frame(StompCommand.Send, StompHeaders.Create(("k", "a:b\\nc\\"), ("na\\me", "v")));

        Assert.That(Encoding.UTF8.GetString(Write(StompVersion.V10, frame, contentLength: false)), Is.EqualTo("SEND\nk:a:b\\nc\\\nna\\me:v\n\n\0"));
    }

    [TestCase("x\ny")]
    [TestCase("x\ry")]
    [TestCase("x\r\ny")]
    [TestCase("\n")]
    [TestCase("x\n\nSEND\ndestination:/evil\n\nboo")]
    public void In_1_0_the_writer_refuses_CR_or_LF_in_a_value_header_injection(string value)
    {
        AssertRefused(StompVersion.V10, new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/q"), ("k", value))));
    }

    [Test]
    public void In_1_0_the_writer_refuses_CR_LF_or_colon_in_a_name([Values("a\nb", "a\rb", "a:b")] string name)
    {
        AssertRefused(StompVersion.V10, new Frame(StompCommand.Send, StompHeaders.Create((name, "v"))));
    }

    [Test]
    public void The_writer_refuses_CR_or_LF_in_CONNECT_STOMP_and_CONNECTED_headers(
        [ValueSource(nameof(UnescapedCommands))] StompCommand command,
        [Values] StompVersion version,
        [Values("pass\nword", "pass\rword", "x\nhost:evil")] string value)
    {
        AssertRefused(version, new Frame(command, StompHeaders.Create(("login", "guest"), ("passcode", value))));
    }

    [Test]
    public void The_writer_refuses_a_colon_in_a_CONNECT_header_name([Values] StompVersion version)
    {
        AssertRefused(version, new Frame(StompCommand.Connect, StompHeaders.Create(("a:b", "v"))));
    }

    [Test]
    public void Escaping_round_trips_through_the_reader([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var value = version == StompVersion.V12 ? "\\n\\c:\r\n\\\\r" : "\\n\\c:\n\\\\r";
        var frame = new Frame(StompCommand.Message, StompHeaders.Create((value, value), ("k", value)));

        Assert.That(Feed(version, Write(version, frame, contentLength: false)).OnlyFrame().Headers, Is.EqualTo(frame.Headers));
    }

    /// <summary>
    /// Header injection, in every version, name or value, on every command: a frame smuggled into a header is
    /// either refused (nothing written) or escaped, and then reads back as the one frame sent, header intact.
    /// </summary>
    [Test]
    public void An_injected_frame_in_a_header_name_or_value_is_refused_or_reads_back_as_one_frame(
        [Values] StompVersion version, [ValueSource(nameof(AllCommands))] StompCommand command, [Values] bool inName)
    {
        const string smuggled = "x\n\nSEND\ndestination:/evil\n\n\0\r\n";
        var header = inName ? (smuggled, "v") : ("k", smuggled);
        var frame = new Frame(command, StompHeaders.Create(header));
        var output = new ArrayBufferWriter<byte>();
        try
        {
            new FrameWriter(version).Write(output, frame, contentLength: false);
        }
        catch (StompProtocolException)
        {
            Assert.That(output.WrittenCount, Is.Zero, "a refused frame writes nothing");
            return;
        }

        Assert.That(Feed(version, output.WrittenSpan.ToArray()).OnlyFrame().Headers, Is.EqualTo(frame.Headers));
    }

    private static readonly StompCommand[] AllCommands = UnescapedCommands.Concat(EscapedCommands).ToArray();

    internal static byte[] Write(StompVersion version, Frame frame, bool contentLength = true)
    {
        var output = new ArrayBufferWriter<byte>();
        new FrameWriter(version).Write(output, frame, contentLength);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Asserts that the writer refuses the frame, with either setting of content-length, writing nothing.</summary>
    internal static void AssertRefused(StompVersion version, Frame frame)
    {
        foreach (var contentLength in new[] { true, false })
        {
            var output = new ArrayBufferWriter<byte>();
            Assert.Throws<StompProtocolException>(() => new FrameWriter(version).Write(output, frame, contentLength));
            Assert.That(output.WrittenCount, Is.Zero, "The writer wrote part of a frame it refused.");
        }
    }
}

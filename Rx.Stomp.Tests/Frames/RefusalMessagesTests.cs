using System.Buffers;
using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;

namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// Errors say what was wrong and where the rule comes from: the frame kind or the version that cannot carry a
/// header, the numbers that disagree, the byte that was not expected.
/// </summary>
public sealed class RefusalMessagesTests
{
    [Test]
    public void A_CR_or_LF_in_a_CONNECT_header_is_refused_naming_CONNECT([Values] StompVersion version)
    {
        var message = Refusal(version, new Frame(StompCommand.Connect, StompHeaders.Create(("login", "a\nb"))));

        Assert.That(message, Does.Contain("value holding CR or LF").And.Contain("in a CONNECT frame"));
    }

    [Test]
    public void A_CR_or_LF_in_a_CONNECT_header_name_is_refused_saying_it_is_the_name()
    {
        var message = Refusal(StompVersion.V12, new Frame(StompCommand.Connect, StompHeaders.Create(("log\nin", "a"))));

        Assert.That(message, Does.Contain("name holding CR or LF"));
    }

    [Test]
    public void A_CR_or_LF_in_a_1_0_header_is_refused_naming_the_version()
    {
        var message = Refusal(StompVersion.V10, new Frame(StompCommand.Send, StompHeaders.Create(("k", "a\rb"))));

        Assert.That(message, Does.Contain("value holding CR or LF").And.Contain("in a STOMP 1.0 frame"));
    }

    [Test]
    public void A_colon_in_an_unescaped_name_is_refused_saying_so()
    {
        var message = Refusal(StompVersion.V12, new Frame(StompCommand.Connected, StompHeaders.Create(("a:b", "v"))));

        Assert.That(message, Does.Contain("name holding ':'").And.Contain("CONNECTED"));
    }

    [Test]
    public void A_CR_in_a_1_1_header_is_refused_saying_1_1_has_no_escape_for_it()
    {
        var message = Refusal(StompVersion.V11, new Frame(StompCommand.Send, StompHeaders.Create(("k", "a\rb"))));

        Assert.That(message, Does.Contain("1.1").And.Contain("CR"));
    }

    [Test]
    public void A_declared_content_length_that_disagrees_is_refused_with_both_lengths()
    {
        var message = Refusal(StompVersion.V12, new Frame(StompCommand.Send, StompHeaders.Create(("content-length", "5")), new byte[] { 1, 2, 3 }));

        Assert.That(message, Does.Contain("content-length 5").And.Contain("3 bytes"));
    }

    [Test]
    public void A_NUL_in_a_body_without_content_length_is_refused_saying_why()
    {
        var output = new ArrayBufferWriter<byte>();
        var frame = new Frame(StompCommand.Send, null, new byte[] { 0, 1 });

        var error = Assert.Throws<StompProtocolException>(() => new FrameWriter(StompVersion.V12).Write(output, frame, contentLength: false))!;

        Assert.That(error.Message, Does.Contain("NUL").And.Contain("content-length"));
    }

    [Test]
    public void A_lone_surrogate_in_a_header_is_refused_saying_so()
    {
        var message = Refusal(StompVersion.V12, new Frame(StompCommand.Send, StompHeaders.Create(("k", "a\udc00b"))));

        Assert.That(message, Does.Contain("lone surrogate"));
    }

    [Test]
    public void A_lone_backslash_at_the_end_of_a_header_is_named()
    {
        Assert.That(Feed(StompVersion.V12, "MESSAGE\nk:abc\\\n\n\0").Failed().Message, Does.Contain("lone backslash"));
    }

    [Test]
    public void A_CR_between_frames_followed_by_something_else_is_refused_showing_that_byte([Values] StompVersion version)
    {
        var error = Feed(version, "\r\u0001").Failed();

        Assert.That(error.Message, Does.Contain("followed by LF").And.Contain("0x01"));
        Assert.That(error.Offset, Is.Zero);
    }

    private static string Refusal(StompVersion version, Frame frame) =>
        Assert.Throws<StompProtocolException>(() => new FrameWriter(version).Write(new ArrayBufferWriter<byte>(), frame))!.Message;
}

using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// How bytes from the wire are shown in error messages: printable ASCII as itself, anything else (control bytes,
/// DEL, non-ASCII) as its hex code, so that a message never carries a raw control byte; long input is cut short.
/// </summary>
public sealed class PrintableBytesTests
{
    [TestCase((byte)' ', " ")]
    [TestCase((byte)'A', "A")]
    [TestCase((byte)'~', "~")]
    [TestCase((byte)0x00, "0x00")]
    [TestCase((byte)0x1f, "0x1f")]
    [TestCase((byte)0x7f, "0x7f")]
    [TestCase((byte)0xc3, "0xc3")]
    public void A_byte_is_shown_as_itself_when_printable_else_as_hex(byte b, string shown)
    {
        Assert.That(HeaderText.Printable(b), Is.EqualTo(shown));
    }

    [Test]
    public void Bytes_are_shown_printable_ones_as_themselves_the_others_as_hex_escapes()
    {
        Assert.That(HeaderText.Printable([0x1f, (byte)' ', (byte)'a', (byte)'~', 0x7f, 0xff]), Is.EqualTo("\\x1f a~\\x7f\\xff"));
    }

    [Test]
    public void Up_to_32_bytes_are_shown_whole()
    {
        var bytes = Enumerable.Repeat((byte)'x', 32).ToArray();

        Assert.That(HeaderText.Printable(bytes), Is.EqualTo(new string('x', 32)));
    }

    [Test]
    public void Past_32_bytes_the_first_32_are_shown_and_an_ellipsis()
    {
        var bytes = Enumerable.Repeat((byte)'x', 33).ToArray();

        Assert.That(HeaderText.Printable(bytes), Is.EqualTo(new string('x', 32) + "..."));
    }

    [Test]
    public void An_error_about_a_bad_command_shows_its_control_bytes_as_hex()
    {
        var error = FrameFeeder.Feed(StompVersion.V12, "SE\u0001ND\n\n\0").Failed();

        Assert.That(error.Message, Does.Contain("SE\\x01ND"));
    }
}

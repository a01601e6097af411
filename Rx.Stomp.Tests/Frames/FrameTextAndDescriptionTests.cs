using System.Text;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>A frame's body as text (explicit encoding, else the content-type's charset, else UTF-8) and its description.</summary>
public sealed class FrameTextAndDescriptionTests
{
    private static readonly byte[] Latin1Body = Encoding.Latin1.GetBytes("café");

    [Test]
    public void Without_a_charset_the_body_is_UTF_8()
    {
        var frame = new Frame(StompCommand.Message, StompHeaders.Create(("content-type", "text/plain")), Encoding.UTF8.GetBytes("café"));

        Assert.That(frame.GetBodyText(), Is.EqualTo("café"));
    }

    [Test]
    public void The_content_type_charset_decodes_the_body()
    {
        var frame = new Frame(StompCommand.Message, StompHeaders.Create(("content-type", "text/plain;charset=iso-8859-1")), Latin1Body);

        Assert.That(frame.GetBodyText(), Is.EqualTo("café"));
    }

    [Test]
    public void An_explicit_encoding_wins_over_the_charset()
    {
        var frame = new Frame(StompCommand.Message, StompHeaders.Create(("content-type", "text/plain;charset=utf-8")), Latin1Body);

        Assert.That(frame.GetBodyText(Encoding.Latin1), Is.EqualTo("café"));
    }

    [Test]
    public void A_heart_beat_describes_itself_as_one()
    {
        Assert.That(Frame.Heartbeat.ToString(), Is.EqualTo("<heart-beat>"));
    }

    [Test]
    public void A_frame_describes_its_command_headers_and_body_length_with_secrets_redacted()
    {
        var frame = new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/q"), ("passcode", "secret")), Encoding.UTF8.GetBytes("hello"));

        var text = frame.ToString();

        Assert.That(text, Does.StartWith("SEND [2 headers, 5 bytes] destination:/q passcode:"));
        Assert.That(text, Does.Not.Contain("secret").And.Not.Contain("hello"));
    }

    [Test]
    public void A_body_on_a_bodyless_command_is_refused_naming_the_command()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new Frame(StompCommand.Subscribe, null, new byte[] { 1 }))!;

        Assert.That(error.ParamName, Is.EqualTo("body"));
        Assert.That(error.Message, Does.Contain("SUBSCRIBE"));
    }
}

using System.Text;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>Reading a <c>content-type</c> value: its MIME type, its <c>charset</c>, and whether it is text.</summary>
public sealed class StompContentTypeTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void A_missing_or_blank_content_type_is_no_content_type(string? value)
    {
        Assert.That(StompContentType.Parse(value), Is.Null);
    }

    [Test]
    public void The_media_type_is_trimmed_and_lower_cased_and_has_no_charset_unless_given()
    {
        var type = StompContentType.Parse(" Application/JSON ");

        Assert.That(type, Is.EqualTo(new StompContentType("application/json", null)));
        Assert.That(type!.Encoding, Is.Null);
    }

    [TestCase("text/plain;charset=utf-8", "utf-8")]
    [TestCase("text/plain; CHARSET=\"ISO-8859-1\"", "ISO-8859-1")]
    [TestCase("text/plain;format=flowed; charset=utf-16 ", "utf-16")]
    public void The_charset_parameter_is_read_without_quotes_in_any_position(string value, string charset)
    {
        Assert.That(StompContentType.Parse(value), Is.EqualTo(new StompContentType("text/plain", charset)));
    }

    [Test]
    public void The_first_charset_parameter_wins()
    {
        Assert.That(StompContentType.Parse("text/plain;charset=utf-8;charset=iso-8859-1")!.Charset, Is.EqualTo("utf-8"));
    }

    [TestCase("text/plain;charset=")]
    [TestCase("text/plain;charset=\"\"")]
    public void An_empty_charset_is_no_charset(string value)
    {
        Assert.That(StompContentType.Parse(value)!.Charset, Is.Null);
    }

    [Test]
    public void The_charset_names_its_encoding()
    {
        Assert.That(StompContentType.Parse("text/plain;charset=utf-8")!.Encoding, Is.EqualTo(Encoding.UTF8));
        Assert.That(StompContentType.Parse("text/plain;charset=iso-8859-1")!.Encoding, Is.EqualTo(Encoding.Latin1));
    }

    [Test]
    public void A_charset_that_NET_does_not_know_has_no_encoding()
    {
        Assert.That(StompContentType.Parse("text/plain;charset=x-no-such-charset")!.Encoding, Is.Null);
    }

    [TestCase("text/plain", true)]
    [TestCase("text/html", true)]
    [TestCase("application/json", true)]
    [TestCase("application/ld+json", true)]
    [TestCase("application/xml", true)]
    [TestCase("image/svg+xml", true)]
    [TestCase("application/octet-stream", false)]
    [TestCase("image/png", false)]
    [TestCase("application/jsonl", false)]
    [TestCase("application/x-text/", false)]
    public void Text_JSON_and_XML_types_are_text(string mediaType, bool isText)
    {
        Assert.That(StompContentType.Parse(mediaType)!.IsText, Is.EqualTo(isText));
    }

    [Test]
    public void It_prints_as_a_content_type_value()
    {
        Assert.That(new StompContentType("text/plain", null).ToString(), Is.EqualTo("text/plain"));
        Assert.That(new StompContentType("text/plain", "utf-8").ToString(), Is.EqualTo("text/plain;charset=utf-8"));
    }
}

using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>The wire form of versions, as in <c>accept-version</c> and <c>version</c> headers.</summary>
public sealed class StompVersionsTests
{
    [TestCase(StompVersion.V10, "1.0")]
    [TestCase(StompVersion.V11, "1.1")]
    [TestCase(StompVersion.V12, "1.2")]
    public void Each_version_is_written_and_parsed_back(StompVersion version, string wire)
    {
        Assert.That(version.ToWire(), Is.EqualTo(wire));
        Assert.That(StompVersions.TryParse(wire, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(version));
        Assert.That(StompVersions.Parse($" {wire} "), Is.EqualTo(version), "surrounding spaces are ignored");
    }

    [Test]
    public void All_lists_the_versions_oldest_first()
    {
        Assert.That(StompVersions.All, Is.EqualTo(new[] { StompVersion.V10, StompVersion.V11, StompVersion.V12 }));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("1.3")]
    [TestCase("2.0")]
    [TestCase("1")]
    public void Anything_else_is_no_version(string? text)
    {
        Assert.That(StompVersions.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Parse_names_the_text_it_refuses()
    {
        var error = Assert.Throws<FormatException>(() => StompVersions.Parse("1.3"))!;

        Assert.That(error.Message, Does.Contain("'1.3'").And.Contain("1.0, 1.1 or 1.2"));
    }

    [Test]
    public void A_value_outside_the_enum_has_no_wire_form()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ((StompVersion)13).ToWire())!;

        Assert.That(error.ParamName, Is.EqualTo("version"));
        Assert.That(error.Message, Does.Contain("Not a STOMP version"));
    }
}

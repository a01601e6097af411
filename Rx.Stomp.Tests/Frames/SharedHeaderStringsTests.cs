using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;

namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// Reading a stream of frames does not allocate the same header strings again: well-known names are one shared
/// string each, and the values that repeat from message to message (destination, subscription, content-length,
/// content-type, redelivered, persistent, priority) are shared by the frames one reader reads, as long as their
/// bytes are the same.
/// </summary>
public sealed class SharedHeaderStringsTests
{
    private static readonly string[] KnownNames =
    [
        "accept-version", "ack", "content-length", "content-type", "destination", "heart-beat", "host", "id", "login",
        "message", "message-id", "passcode", "receipt", "receipt-id", "server", "session", "subscription", "transaction",
        "version", "reply-to", "correlation-id", "redelivered", "requeue", "persistent", "priority", "expires",
        "timestamp", "type", "prefetch-count", "durable", "auto-delete", "exclusive", "original-destination",
    ];

    private static readonly string[] RepeatedValueNames =
        ["destination", "subscription", "content-length", "content-type", "redelivered", "persistent", "priority"];

    [Test]
    public void A_well_known_header_name_is_read_as_one_shared_string([ValueSource(nameof(KnownNames))] string name)
    {
        var reader = new FrameReader(StompVersion.V12);

        var first = ReadOne(reader, $"MESSAGE\n{name}:0\n\n\0").Headers[0].Key;
        var second = ReadOne(reader, $"MESSAGE\n{name}:0\n\n\0").Headers[0].Key;
        var otherReader = ReadOne(new FrameReader(StompVersion.V10), $"MESSAGE\n{name}:0\n\n\0").Headers[0].Key;

        Assert.That(first, Is.EqualTo(name));
        Assert.That(second, Is.SameAs(first));
        Assert.That(otherReader, Is.SameAs(first));
    }

    [Test]
    public void Other_names_are_read_as_they_are()
    {
        var reader = new FrameReader(StompVersion.V12);

        Assert.That(ReadOne(reader, "MESSAGE\nx-trace:1\n\n\0").Headers[0].Key, Is.EqualTo("x-trace"));
    }

    [Test]
    public void A_repeated_value_is_shared_by_the_frames_of_one_reader([ValueSource(nameof(RepeatedValueNames))] string name)
    {
        var reader = new FrameReader(StompVersion.V12);

        var first = ReadOne(reader, $"MESSAGE\n{name}:0\n\n\0").Headers[name];
        var second = ReadOne(reader, $"MESSAGE\n{name}:0\n\n\0").Headers[name];

        Assert.That(first, Is.EqualTo("0"));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void A_value_whose_bytes_changed_is_read_anew()
    {
        var reader = new FrameReader(StompVersion.V12);

        ReadOne(reader, "MESSAGE\ndestination:/queue/a\n\n\0");

        Assert.That(ReadOne(reader, "MESSAGE\ndestination:/queue/b\n\n\0").Headers["destination"], Is.EqualTo("/queue/b"));
    }

    [Test]
    public void A_value_holding_a_backslash_is_decoded_per_frame_for_escaping_depends_on_the_command(
        [Values("\\\\q", "a\\\\q")] string raw)
    {
        // MESSAGE headers are escaped in 1.2, CONNECTED headers never are: the same bytes mean different text.
        var reader = new FrameReader(StompVersion.V12);
        var unescaped = raw.Replace("\\\\", "\\", StringComparison.Ordinal);

        Assert.That(ReadOne(reader, $"MESSAGE\ndestination:{raw}\n\n\0").Headers["destination"], Is.EqualTo(unescaped));
        Assert.That(ReadOne(reader, $"CONNECTED\ndestination:{raw}\n\n\0").Headers["destination"], Is.EqualTo(raw));
        Assert.That(ReadOne(reader, $"MESSAGE\ndestination:{raw}\n\n\0").Headers["destination"], Is.EqualTo(unescaped));
    }

    [Test]
    public void A_frame_without_headers_has_the_shared_empty_headers()
    {
        Assert.That(ReadOne(new FrameReader(StompVersion.V12), "RECEIPT\n\n\0").Headers, Is.SameAs(StompHeaders.Empty));
    }

    private static Frame ReadOne(FrameReader reader, string input) => Feed(reader, Bytes(input)).OnlyFrame();
}

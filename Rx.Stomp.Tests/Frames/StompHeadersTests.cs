using System.Text;
using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;
using static Rx.Stomp.Tests.Frames.FrameReaderTests;
using static Rx.Stomp.Tests.Frames.HeaderEscapingTests;

namespace Rx.Stomp.Tests.Frames;

/// <summary>Repeated headers, no trimming, case-sensitive names, and keeping the passcode out of text.</summary>
public sealed class StompHeadersTests
{
    private const string Secret = "s3cr3t-p4ss";

    // ---- Repeated headers: the first occurrence wins, the repeats are kept.

    [Test]
    public void Reading_repeated_headers_the_first_wins_and_the_repeats_are_kept_in_order([Values] StompVersion version)
    {
        var frame = Feed(version, "MESSAGE\nfoo:1\nbar:x\nfoo:2\nfoo:3\n\n\0").OnlyFrame();

        Assert.That(frame.Headers["foo"], Is.EqualTo("1"));
        Assert.That(frame.Headers.TryGetValue("foo", out var value) && value == "1", Is.True);
        Assert.That(frame.Headers.GetAll("foo"), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That(frame.Headers, Has.Count.EqualTo(4));
        Assert.That(frame.Headers, Is.EqualTo(new[] { Header("foo", "1"), Header("bar", "x"), Header("foo", "2"), Header("foo", "3") }));
        Assert.That(frame.Headers[2], Is.EqualTo(Header("foo", "2")));
    }

    [Test]
    public void Writing_repeated_headers_keeps_them_in_order([Values] StompVersion version)
    {
        var frame = new Frame(StompCommand.Subscribe, StompHeaders.Create(("foo", "1"), ("id", "0"), ("foo", "2")));

        Assert.That(Encoding.UTF8.GetString(Write(version, frame)), Is.EqualTo("SUBSCRIBE\nfoo:1\nid:0\nfoo:2\n\n\0"));
    }

    [Test]
    public void Add_appends_a_repeat_that_loses_the_lookup()
    {
        var headers = StompHeaders.Create(("a", "1")).Add("a", "2");

        Assert.That(headers["a"], Is.EqualTo("1"));
        Assert.That(headers.GetAll("a"), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public void Set_replaces_every_repeat_with_one_line_at_the_end()
    {
        var headers = StompHeaders.Create(("a", "1"), ("b", "x"), ("a", "2")).Set("a", "3");

        Assert.That(headers, Is.EqualTo(new[] { Header("b", "x"), Header("a", "3") }));
    }

    [Test]
    public void Remove_removes_every_repeat_and_returns_the_same_headers_when_absent()
    {
        var headers = StompHeaders.Create(("a", "1"), ("b", "x"), ("a", "2"));

        Assert.That(headers.Remove("a"), Is.EqualTo(new[] { Header("b", "x") }));
        Assert.That(headers.Remove("A"), Is.SameAs(headers));
    }

    [Test]
    public void Concat_puts_the_new_lines_after_so_earlier_ones_win()
    {
        var headers = StompHeaders.Create(("a", "1")).Concat([Header("a", "2"), Header("b", "3")]);

        Assert.That(headers["a"], Is.EqualTo("1"));
        Assert.That(headers, Is.EqualTo(new[] { Header("a", "1"), Header("a", "2"), Header("b", "3") }));
    }

    [Test]
    public void Headers_are_immutable()
    {
        var headers = StompHeaders.Create(("a", "1"));

        _ = headers.Add("b", "2");
        _ = headers.Set("a", "9");
        _ = headers.Remove("a");

        Assert.That(headers, Is.EqualTo(new[] { Header("a", "1") }));
    }

    // ---- Names are case-sensitive.

    [Test]
    public void Lookups_are_case_sensitive()
    {
        var headers = StompHeaders.Create(("Destination", "/a"), ("destination", "/b"));

        Assert.That(headers["destination"], Is.EqualTo("/b"));
        Assert.That(headers["Destination"], Is.EqualTo("/a"));
        Assert.That(headers["DESTINATION"], Is.Null);
        Assert.That(headers.Contains("DESTINATION"), Is.False);
        Assert.That(headers.GetAll("destination"), Is.EqualTo(new[] { "/b" }));
    }

    [Test]
    public void A_missing_header_is_null_and_TryGetValue_false()
    {
        Assert.That(StompHeaders.Empty["x"], Is.Null);
        Assert.That(StompHeaders.Empty.TryGetValue("x", out _), Is.False);
        Assert.That(StompHeaders.Empty.GetAll("x"), Is.Empty);
    }

    [Test]
    public void An_empty_name_or_a_null_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StompHeaders.Create(("", "v")));
        Assert.Throws<ArgumentException>(() => StompHeaders.Empty.Add("", "v"));
        Assert.Throws<ArgumentNullException>(() => StompHeaders.Create((null!, "v")));
        Assert.Throws<ArgumentNullException>(() => StompHeaders.Create(("k", null!)));
        Assert.Throws<ArgumentNullException>(() => StompHeaders.Create([new KeyValuePair<string, string>("k", null!)]));
    }

    [Test]
    public void An_empty_value_is_allowed()
    {
        Assert.That(StompHeaders.Create(("k", ""))["k"], Is.EqualTo(""));
    }

    // ---- 1.1/1.2 never trim or pad.

    [Test]
    public void Reading_keeps_spaces_around_names_and_values([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var frame = Feed(version, "MESSAGE\n k :  x \n\tt\t:\ty\t\n\n\0").OnlyFrame();

        Assert.That(frame.Headers, Is.EqualTo(new[] { Header(" k ", "  x "), Header("\tt\t", "\ty\t") }));
        Assert.That(frame.Headers[" k "], Is.EqualTo("  x "));
        Assert.That(frame.Headers["k"], Is.Null);
    }

    [Test]
    public void Writing_keeps_spaces_around_names_and_values([Values(StompVersion.V11, StompVersion.V12)] StompVersion version)
    {
        var frame = new Frame(StompCommand.Subscribe, StompHeaders.Create((" k ", " x "), ("id", "")));

        var bytes = Write(version, frame);

        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo("SUBSCRIBE\n k : x \nid:\n\n\0"));
        Assert.That(Feed(version, bytes).OnlyFrame().Headers, Is.EqualTo(frame.Headers));
    }

    // ---- The passcode never shows in text (a bug other clients shipped: the passcode in debug logs).

    [TestCase("passcode")]
    [TestCase("Passcode")]
    [TestCase("PASSCODE")]
    public void Headers_ToString_redacts_the_passcode(string name)
    {
        var headers = StompHeaders.Create(("login", "guest"), (name, Secret), ("host", "/"));

        var text = headers.ToString();

        Assert.That(text, Does.Not.Contain(Secret));
        Assert.That(text, Does.Contain("login:guest"));
        Assert.That(text, Does.Contain(name + ":"));
    }

    [Test]
    public void Frame_ToString_redacts_the_passcode_and_never_shows_the_body(
        [Values(StompCommand.Connect, StompCommand.Stomp)] StompCommand command)
    {
        var frame = new Frame(command, StompHeaders.Create(("login", "guest"), ("passcode", Secret), ("passcode", Secret + "2")));

        Assert.That(frame.ToString(), Does.Not.Contain(Secret));
        Assert.That(frame.ToString(), Does.Contain("login:guest"));

        var send = new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/q")), Bytes("body-" + Secret));
        Assert.That(send.ToString(), Does.Not.Contain(Secret));
    }

    [Test]
    public void A_CONNECT_frame_read_from_the_wire_does_not_show_its_passcode([Values] StompVersion version)
    {
        var frame = Feed(version, $"CONNECT\naccept-version:1.2\nlogin:guest\npasscode:{Secret}\n\n\0").OnlyFrame();

        Assert.That(frame.Headers["passcode"], Is.EqualTo(Secret));
        Assert.That(frame.ToString(), Does.Not.Contain(Secret));
        Assert.That(frame.Headers.ToString(), Does.Not.Contain(Secret));
    }

    [Test]
    public void An_error_about_a_CONNECT_frame_does_not_show_its_passcode([Values] StompVersion version)
    {
        var error = Feed(version, Concat($"CONNECT\nlogin:guest\npasscode:{Secret}", [0xff], "\n\n\0")).Failed();

        Assert.That(error.ToString(), Does.Not.Contain(Secret));
    }
}

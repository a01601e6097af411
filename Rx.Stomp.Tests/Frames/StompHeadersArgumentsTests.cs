using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>Building headers from sequences: null and empty arguments, and how headers print.</summary>
public sealed class StompHeadersArgumentsTests
{
    [Test]
    public void Null_sequences_are_refused_by_name()
    {
        Assert.That(Assert.Throws<ArgumentNullException>(() => StompHeaders.Create((IEnumerable<KeyValuePair<string, string>>)null!))!.ParamName, Is.EqualTo("headers"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => StompHeaders.Empty.Concat(null!))!.ParamName, Is.EqualTo("more"));
    }

    [Test]
    public void Creating_from_an_empty_sequence_gives_the_shared_empty_headers()
    {
        Assert.That(StompHeaders.Create(new List<KeyValuePair<string, string>>()), Is.SameAs(StompHeaders.Empty));
    }

    [Test]
    public void Creating_from_a_sequence_keeps_its_lines_in_order()
    {
        var headers = StompHeaders.Create(new List<KeyValuePair<string, string>> { new("b", "1"), new("a", "2") });

        Assert.That(headers, Is.EqualTo(new[] { new KeyValuePair<string, string>("b", "1"), new KeyValuePair<string, string>("a", "2") }));
    }

    [Test]
    public void Concatenating_nothing_gives_the_same_headers()
    {
        var headers = StompHeaders.Create(("a", "1"));

        Assert.That(headers.Concat([]), Is.SameAs(headers));
    }

    [Test]
    public void Headers_print_one_per_line()
    {
        Assert.That(StompHeaders.Create(("a", "1"), ("b", "2")).ToString(), Is.EqualTo("a:1\nb:2"));
    }

    [Test]
    public void An_empty_name_is_refused_saying_so()
    {
        var error = Assert.Throws<ArgumentException>(() => StompHeaders.Create(new List<KeyValuePair<string, string>> { new("", "1") }))!;

        Assert.That(error.ParamName, Is.EqualTo("name"));
        Assert.That(error.Message, Does.Contain("empty"));
    }

    [Test]
    public void A_missing_header_gives_an_empty_value_not_null()
    {
        Assert.That(StompHeaders.Create(("a", "1")).TryGetValue("b", out var value), Is.False);
        Assert.That(value, Is.Empty);
    }
}

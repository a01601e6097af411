using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>Building headers: collection expressions (the collection builder) and <see cref="StompHeaders.Create(ReadOnlySpan{ValueTuple{string, string}})"/>.</summary>
public sealed class StompHeadersBuildingTests
{
    [Test]
    public void A_collection_expression_keeps_order_and_repeats()
    {
        StompHeaders headers = [new("type", "buy"), new("region", "eu"), new("type", "sell")];

        Assert.That(headers.Select(h => $"{h.Key}:{h.Value}"), Is.EqualTo(new[] { "type:buy", "region:eu", "type:sell" }));
        Assert.That(headers["type"], Is.EqualTo("buy"), "the first occurrence wins");
    }

    [Test]
    public void Spreads_extend_headers_and_an_empty_expression_is_empty()
    {
        StompHeaders base_ = StompHeaders.Create(("type", "buy"));
        StompHeaders traced = [.. base_, new("trace-id", "t-1")];
        StompHeaders none = [];

        Assert.That(traced.Select(h => h.Key), Is.EqualTo(new[] { "type", "trace-id" }));
        Assert.That(base_, Has.Count.EqualTo(1), "the original is unchanged");
        Assert.That(none, Is.SameAs(StompHeaders.Empty));
    }

    [Test]
    public void A_collection_expression_refuses_an_empty_name_as_Create_does()
    {
        Assert.That(() => { StompHeaders _ = [new("", "x")]; }, Throws.ArgumentException);
        Assert.That(() => StompHeaders.Create(("", "x")), Throws.ArgumentException);
    }
}

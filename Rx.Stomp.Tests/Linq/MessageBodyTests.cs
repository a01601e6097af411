using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Linq;

/// <summary>Typed bodies and headers of messages that went through the embedded broker.</summary>
public class MessageBodyTests
{
    private sealed record Order(int Id, string Item);

    private static async Task<StompMessage> RoundTripAsync(byte[] body, string? contentType, bool contentLength = true)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var inbox = new ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/typed", client.Watch("/queue/typed"), inbox);
        await client.SendAsync("/queue/typed", body, new SendOptions { ContentType = contentType, ContentLength = contentLength });
        return await inbox.WhenAsync(_ => true);
    }

    [Test]
    public async Task Json_deserialises_the_body_inside_a_Select()
    {
        var message = await RoundTripAsync("""{"Id":7,"Item":"pear"}"""u8.ToArray(), "application/json");

        var order = Observable.Return(message).Select(m => m.Json<Order>()).Wait();

        Assert.That(order, Is.EqualTo(new Order(7, "pear")));
    }

    [Test]
    public async Task Json_reads_a_body_in_the_charset_its_content_type_names()
    {
        var message = await RoundTripAsync(Encoding.Unicode.GetBytes("""{"Id":1,"Item":"café"}"""), "application/json;charset=utf-16");

        Assert.That(message.Json<Order>(), Is.EqualTo(new Order(1, "café")));
    }

    [Test]
    public async Task Bad_json_is_a_StompBodyException_naming_the_message_and_the_type()
    {
        var message = await RoundTripAsync("""{"Id":"seven"}"""u8.ToArray(), "application/json");

        var error = Assert.Throws<StompBodyException>(() => message.Json<Order>())!;

        Assert.That(error.Message, Does.Contain(message.MessageId!).And.Contain("Order").And.Contain("/queue/typed"));
        Assert.That(error.InnerException, Is.InstanceOf<System.Text.Json.JsonException>());
    }

    [Test]
    public async Task Json_null_is_refused_rather_than_handed_on_as_null()
    {
        var message = await RoundTripAsync("null"u8.ToArray(), "application/json");

        Assert.Throws<StompBodyException>(() => message.Json<Order>());
    }

    [Test]
    public async Task Text_decodes_with_the_charset_of_the_content_type()
    {
        var message = await RoundTripAsync(Encoding.Latin1.GetBytes("déjà vu"), "text/plain; charset=\"ISO-8859-1\"");

        Assert.That(message.Text(), Is.EqualTo("déjà vu"));
        Assert.That(message.MediaType(), Is.EqualTo(new StompContentType("text/plain", "ISO-8859-1")));
        Assert.That(message.MediaType()!.Encoding, Is.EqualTo(Encoding.Latin1));
    }

    [Test]
    public async Task Text_refuses_a_charset_the_runtime_does_not_know_instead_of_guessing()
    {
        var message = await RoundTripAsync("x"u8.ToArray(), "text/plain;charset=no-such-charset");

        var error = Assert.Throws<StompBodyException>(() => message.Text())!;

        Assert.That(error.Message, Does.Contain("no-such-charset"));
    }

    [Test]
    public async Task Content_length_is_a_number_of_bytes_when_the_frame_has_one()
    {
        var withLength = await RoundTripAsync(new byte[] { 1, 2, 3 }, "application/octet-stream");
        var without = await RoundTripAsync("abc"u8.ToArray(), "text/plain", contentLength: false);

        Assert.That(withLength.ContentLength(), Is.EqualTo(3));
        Assert.That(without.ContentLength(), Is.Null);
        Assert.That(without.MediaType(), Is.EqualTo(new StompContentType("text/plain", null)));
    }

    [TestCase("text/plain", true)]
    [TestCase("application/json;charset=utf-8", true)]
    [TestCase("application/vnd.api+json", true)]
    [TestCase("application/octet-stream", false)]
    public void Text_media_types_are_told_apart_from_binary_ones(string contentType, bool isText) =>
        Assert.That(StompContentType.Parse(contentType)!.IsText, Is.EqualTo(isText));

    [Test]
    public void A_missing_content_type_parses_to_null() =>
        Assert.That(StompContentType.Parse(" "), Is.Null);
}

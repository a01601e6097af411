using System.Text.Encodings.Web;
using System.Text.Json;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Samples.Listen;

/// <summary>
/// One JSON object per line: <c>{"command":"MESSAGE","headers":[["name","value"],...],"body_base64":"..."}</c>,
/// headers in wire order with repeats, values unescaped, the body byte-exact.
/// </summary>
internal sealed class JsonMessagePrinter(Stream stdout) : IMessagePrinter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Print(StompMessage message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("command", message.Frame.Command.ToWire());
            json.WriteStartArray("headers");
            foreach (var (name, value) in message.Headers)
            {
                json.WriteStartArray();
                json.WriteStringValue(name);
                json.WriteStringValue(value);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteBase64String("body_base64", message.Body.Span);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        buffer.Position = 0;
        buffer.CopyTo(stdout);
        stdout.Flush();
    }
}

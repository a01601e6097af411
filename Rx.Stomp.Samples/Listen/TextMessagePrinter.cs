using System.Text;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Samples.Listen;

/// <summary>The command, the headers as <c>name:value</c> lines, a blank line, then the body as text (or base64 when it is not UTF-8).</summary>
internal sealed class TextMessagePrinter(TextWriter stdout) : IMessagePrinter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public void Print(StompMessage message)
    {
        var text = new StringBuilder();
        text.AppendLine(message.Frame.Command.ToWire());
        foreach (var (name, value) in message.Headers)
        {
            text.Append(name).Append(':').AppendLine(value);
        }

        text.AppendLine();
        try
        {
            text.AppendLine(StrictUtf8.GetString(message.Body.Span));
        }
        catch (DecoderFallbackException)
        {
            text.Append("(the body is not valid UTF-8; ").Append(message.Body.Length).AppendLine(" bytes in base64:)");
            text.AppendLine(Convert.ToBase64String(message.Body.Span));
        }

        stdout.WriteLine(text.ToString());
        stdout.Flush();
    }
}

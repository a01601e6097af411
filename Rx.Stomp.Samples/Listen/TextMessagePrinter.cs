using System.Text;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Listen;

/// <summary>The command, the headers as <c>name:value</c> lines, a blank line, then the body as text (or base64 when it is not UTF-8).</summary>
internal sealed class TextMessagePrinter(TextWriter stdout) : IMessagePrinter
{
    public void Print(StompMessage message)
    {
        var text = new StringBuilder();
        text.AppendLine(message.Frame.Command.ToWire());
        foreach (var (name, value) in message.Headers)
        {
            text.Append(name).Append(':').AppendLine(value);
        }

        text.AppendLine();
        text.AppendLine(BodyText.Describe(message.Body.Span));
        stdout.WriteLine(text.ToString());
        stdout.Flush();
    }
}

using Rx.Stomp.Frames;
using Rx.Stomp.Samples.Cli;
using Spectre.Console;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// How an incoming frame looks: the command in colour, then (verbose) every header as <c>name:value</c> and a blank
/// line, or (terse) the destination and, when the message must be acknowledged, its id; then the body.
/// </summary>
internal static class FrameRenderer
{
    private static readonly Style MessageStyle = new(Color.Green, decoration: Decoration.Bold);
    private static readonly Style ErrorStyle = new(Color.Red, decoration: Decoration.Bold);
    private static readonly Style ReceiptStyle = new(Color.Blue, decoration: Decoration.Bold);
    private static readonly Style DestinationStyle = new(Color.Aqua);
    private static readonly Style HeaderStyle = new(Color.Grey);
    private static readonly Style NoteStyle = new(Color.Yellow);

    /// <summary>A MESSAGE; <paramref name="note"/>, when given, is printed instead of the body (a saved file).</summary>
    public static void Message(AnsiWriter writer, Frame frame, bool showAckId, bool verbose, string? note)
    {
        writer.Write("MESSAGE", MessageStyle, null!);
        if (verbose)
        {
            writer.WriteLine();
            Headers(writer, frame);
        }
        else
        {
            writer.Write(" ");
            writer.Write(frame.Headers[StompHeaderNames.Destination] ?? "", DestinationStyle, null!);
            if (showAckId)
            {
                writer.Write(" id:" + frame.Headers[StompHeaderNames.MessageId], HeaderStyle, null!);
            }

            writer.WriteLine();
        }

        if (note is null)
        {
            writer.WriteLine(BodyText.Describe(frame.Body.Span));
        }
        else
        {
            writer.WriteLine(note, NoteStyle, null!);
        }
    }

    /// <summary>An ERROR: its <c>message</c> header (or, verbose, every header), then the body if any.</summary>
    public static void Error(AnsiWriter writer, Frame frame, bool verbose)
    {
        writer.Write("ERROR", ErrorStyle, null!);
        if (verbose)
        {
            writer.WriteLine();
            Headers(writer, frame);
        }
        else
        {
            writer.WriteLine(" " + (frame.Headers[StompHeaderNames.Message] ?? "(no message header)"), new Style(Color.Red), null!);
        }

        if (!frame.Body.IsEmpty)
        {
            writer.WriteLine(BodyText.Describe(frame.Body.Span));
        }
    }

    /// <summary>A RECEIPT (verbose mode only prints them: each command reports its own).</summary>
    public static void Receipt(AnsiWriter writer, Frame frame)
    {
        writer.Write("RECEIPT", ReceiptStyle, null!);
        writer.WriteLine();
        Headers(writer, frame);
    }

    private static void Headers(AnsiWriter writer, Frame frame)
    {
        foreach (var (name, value) in frame.Headers)
        {
            writer.WriteLine($"{name}:{value}", HeaderStyle, null!);
        }

        writer.WriteLine();
    }
}

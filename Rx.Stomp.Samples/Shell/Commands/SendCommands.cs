using System.Text;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Samples.Shell.Commands;

/// <summary><c>send</c>, <c>sendrec</c>, <c>sendreply</c> and <c>sendfile</c>; inside a transaction when one is open.</summary>
internal static class SendCommands
{
    public static readonly ShellVerb Send = new(
        "send", "send <destination> <message>", "Send a message (the rest of the line, as UTF-8).",
        "Sends without waiting for the broker: a refusal shows up as an ERROR.",
        [ArgumentKind.Destination, ArgumentKind.Text], 2,
        (shell, args, ct) => SendAsync(shell, args[0], args[1], new SendOptions(), ct))
    {
        TextLast = true,
    };

    public static readonly ShellVerb SendWithReceipt = new(
        "sendrec", "sendrec <destination> <message>", "Send a message and wait for the broker's RECEIPT.",
        "Asks for a receipt and waits for it (as stomp.py's does not): when it returns, the broker has the message.",
        [ArgumentKind.Destination, ArgumentKind.Text], 2, SendWithReceiptAsync)
    {
        TextLast = true,
    };

    public static readonly ShellVerb SendReply = new(
        "sendreply", "sendreply <destination> <correlation-id> <message>", "Send a reply: a message with a correlation-id header.",
        "For request/reply: the correlation-id names the request this message answers.",
        [ArgumentKind.Destination, ArgumentKind.Text, ArgumentKind.Text], 3, SendReplyAsync)
    {
        TextLast = true,
    };

    public static readonly ShellVerb SendFile = new(
        "sendfile", "sendfile <destination> <file> [headers.json]", "Send a file: its bytes in base64, its name in a filename header.",
        "headers.json, if given, is a JSON object of extra headers ({\"name\": \"value\", ...}). A shell that receives\n"
        + "the message saves the file (see --save-dir) instead of printing it.",
        [ArgumentKind.Destination, ArgumentKind.Path, ArgumentKind.Path], 2, SendFileAsync);

    private static async Task SendWithReceiptAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        await SendAsync(shell, args[0], args[1], new SendOptions { Receipt = true }, cancellationToken);
        shell.Output.Line($"Sent to {args[0]}; the broker confirmed it (RECEIPT).");
    }

    private static Task SendReplyAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken) =>
        SendAsync(shell, args[0], args[2], new SendOptions { Headers = StompHeaders.Create(("correlation-id", args[1])) }, cancellationToken);

    private static async Task SendFileAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        var path = args[1];
        var content = await ShellFiles.ReadBytesAsync(path, cancellationToken);
        var headers = StompHeaders.Create(("filename", Path.GetFileName(path)));
        if (args.Optional(2) is { } json)
        {
            foreach (var (name, value) in await ShellFiles.ReadHeadersAsync(json, cancellationToken))
            {
                headers = headers.Set(name, value);
            }
        }

        await SendAsync(shell, args[0], Convert.ToBase64String(content), new SendOptions { Headers = headers, Receipt = true }, cancellationToken);
        shell.Output.Line($"Sent {Path.GetFileName(path)} ({content.Length} bytes) to {args[0]}; the broker confirmed it (RECEIPT).");
    }

    private static async Task SendAsync(ShellSession shell, string destination, string text, SendOptions options, CancellationToken cancellationToken)
    {
        shell.Remember(destination);
        var body = Encoding.UTF8.GetBytes(text);
        await (shell.Transaction is { } transaction
            ? transaction.SendAsync(destination, body, options, cancellationToken)
            : shell.Client.SendAsync(destination, body, options, cancellationToken));
        shell.Stats.Sent();
    }
}

using System.ComponentModel;
using System.Globalization;
using Rx.Stomp.Frames;
using Rx.Stomp.Samples.Cli;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Send;

/// <summary>The arguments of <c>rxstomp send</c>.</summary>
internal sealed class SendSettings : ConnectionSettings
{
    [CommandArgument(0, "<destination>")]
    [Description("Where to send, e.g. /queue/orders or /topic/prices.")]
    public string Destination { get; set; } = "";

    [CommandOption("--header <NAME:VALUE>")]
    [Description("A header; split at the first colon, so the value may hold colons. Repeatable.")]
    public string[] Headers { get; set; } = [];

    [CommandOption("--body <TEXT>")]
    [Description("The body, sent as UTF-8. Without --body or --file: stdin if redirected, else empty.")]
    public string? Body { get; set; }

    [CommandOption("--file <PATH>")]
    [Description("Send this file's bytes as the body, byte-exact.")]
    public string? File { get; set; }

    [CommandOption("--receipt")]
    [Description("Ask for a RECEIPT and exit 0 only once it arrives.")]
    public bool Receipt { get; set; }

    [CommandOption("--count <N>")]
    [Description("Send the message N times (default 1); on a terminal, a progress bar on stderr follows the sends.")]
    public string? Count { get; set; }

    [CommandOption("--no-content-length")]
    [Description("Leave out the content-length header.")]
    public bool NoContentLength { get; set; }

    /// <summary>--count, or 1.</summary>
    /// <exception cref="UsageException">Not a positive integer.</exception>
    public int ParseCount() =>
        Count is null ? 1
        : int.TryParse(Count, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count
        : throw new UsageException($"--count: '{Count}' is not a positive number of messages.");

    /// <exception cref="UsageException">A --header without a colon or with an empty name.</exception>
    public StompHeaders ParseHeaders() => StompHeaders.Create(Headers.Select(header =>
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? KeyValuePair.Create(header[..colon], header[(colon + 1)..])
            : throw new UsageException($"--header: '{header}' is not name:value.");
    }).ToList());

    /// <summary>The body: --body as UTF-8, --file's bytes, redirected stdin, or nothing.</summary>
    /// <exception cref="UsageException">Both --body and --file, or an unreadable file.</exception>
    public async Task<byte[]> ReadBodyAsync(CancellationToken cancellationToken)
    {
        if (Body is not null && File is not null)
        {
            throw new UsageException("--body and --file cannot both be given.");
        }

        if (Body is not null)
        {
            return System.Text.Encoding.UTF8.GetBytes(Body);
        }

        if (File is not null)
        {
            try
            {
                return await System.IO.File.ReadAllBytesAsync(File, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--file: cannot read '{File}': {e.Message}", e);
            }
        }

        if (!Console.IsInputRedirected)
        {
            return [];
        }

        using var stdin = Console.OpenStandardInput();
        using var body = new MemoryStream();
        await stdin.CopyToAsync(body, cancellationToken);
        return body.ToArray();
    }
}

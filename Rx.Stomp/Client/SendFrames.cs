using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>Builds SEND frames: destination first, then the caller's headers, then content type and transaction, each once.</summary>
internal sealed class SendFrames
{
    private StompHeaders? _lastDestinationOnly;

    public Frame Build(string destination, ReadOnlyMemory<byte> body, SendOptions options, string? transaction) =>
        new(StompCommand.Send, Headers(destination, options, transaction), body);

    private StompHeaders Headers(string destination, SendOptions options, string? transaction)
    {
        var extra = options.Headers;
        if (extra.Count == 0 && options.ContentType is null && transaction is null)
        {
            // The usual send names only a destination, mostly the previous one: its headers (immutable) are reused.
            var last = _lastDestinationOnly;
            if (last is not null && string.Equals(last[0].Value, destination, StringComparison.Ordinal))
            {
                return last;
            }

            return _lastDestinationOnly = StompHeaders.Create((StompHeaderNames.Destination, destination));
        }

        var items = new KeyValuePair<string, string>[1 + extra.Count + (options.ContentType is null ? 0 : 1) + (transaction is null ? 0 : 1)];
        var n = 0;
        items[n++] = new(StompHeaderNames.Destination, destination);
        foreach (var header in extra)
        {
            if (header.Key is not StompHeaderNames.Destination
                && !(options.ContentType is not null && header.Key == StompHeaderNames.ContentType)
                && !(transaction is not null && header.Key == StompHeaderNames.Transaction))
            {
                items[n++] = header;
            }
        }

        if (options.ContentType is not null)
        {
            items[n++] = new(StompHeaderNames.ContentType, options.ContentType);
        }

        if (transaction is not null)
        {
            items[n++] = new(StompHeaderNames.Transaction, transaction);
        }

        return new StompHeaders(n == items.Length ? items : items[..n]);
    }
}

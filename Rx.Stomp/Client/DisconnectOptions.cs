using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// How <see cref="StompClient.DisconnectAsync(DisconnectOptions?, CancellationToken)"/> leaves: stomp.py's
/// <c>disconnect(receipt, headers)</c>. DISCONNECT always asks for a RECEIPT.
/// </summary>
public sealed record DisconnectOptions
{
    /// <summary>Default options: the client's own receipt id, no extra headers.</summary>
    public static DisconnectOptions Default { get; } = new();

    /// <summary>The DISCONNECT's <c>receipt</c> header, or <see langword="null"/> for one of the client's own; the RECEIPT carrying it also reaches <see cref="StompClient.Receipts"/>.</summary>
    public string? ReceiptId { get; init; }

    /// <summary>Extra DISCONNECT headers; a <c>receipt</c> among them is replaced by the receipt id.</summary>
    public StompHeaders Headers { get; init; } = StompHeaders.Empty;
}

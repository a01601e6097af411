using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// How <see cref="StompClient.BeginTransactionAsync(TransactionOptions?, CancellationToken)"/> begins: stomp.py's
/// <c>begin(transaction, headers)</c>.
/// </summary>
public sealed record TransactionOptions
{
    /// <summary>Default options: an id of the client's own, no extra headers, no receipt.</summary>
    public static TransactionOptions Default { get; } = new();

    /// <summary>The <c>transaction</c> header, or <see langword="null"/> for an id unique on this client. A chosen id is the caller's to keep unique.</summary>
    public string? Id { get; init; }

    /// <summary>Extra BEGIN headers; a <c>transaction</c> among them is replaced by the id.</summary>
    public StompHeaders Headers { get; init; } = StompHeaders.Empty;

    /// <summary>Wait for the broker's RECEIPT of BEGIN.</summary>
    public bool Receipt { get; init; }
}

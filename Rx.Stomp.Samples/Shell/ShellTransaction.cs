using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// The shell's open transaction, and the receipts its frames wait for. A broker may hold those receipts until
/// COMMIT (RabbitMQ does), so a command inside the transaction does not block on its receipt: the wait is kept
/// here with the line that confirms it, <see cref="CommitAsync"/> hands them over once COMMIT is confirmed, and
/// <see cref="AbortAsync"/> forgets them.
/// </summary>
internal sealed class ShellTransaction(StompTransaction transaction) : IAsyncDisposable
{
    private readonly List<(Task Wait, string Confirmation)> _deferred = [];
    private readonly CancellationTokenSource _abandon = new();

    /// <summary>The client's transaction, to send and acknowledge in.</summary>
    public StompTransaction Inner => transaction;

    /// <summary>Cancelled when the transaction is aborted: the waits of the frames inside end.</summary>
    public CancellationToken Abandoned => _abandon.Token;

    /// <summary>Keeps the wait for the receipt(s) of a frame inside, and the line to print once it came.</summary>
    public void Defer(Task wait, string confirmation) => _deferred.Add((wait, confirmation));

    /// <summary>Sends COMMIT and waits for its receipt; returns the waits of the frames inside, in order.</summary>
    public async Task<IReadOnlyList<(Task Wait, string Confirmation)>> CommitAsync(CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(receipt: true, cancellationToken);
        return _deferred;
    }

    /// <summary>Forgets the receipts of the frames inside (the broker discards them), then sends ABORT and waits for its receipt.</summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        await _abandon.CancelAsync();
        await transaction.AbortAsync(receipt: true, cancellationToken);
    }

    /// <summary>Aborts the transaction unless it ended; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        await _abandon.CancelAsync();
        await transaction.DisposeAsync();
        _abandon.Dispose();
    }
}

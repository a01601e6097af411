using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// The shell's open transaction, and the receipts its frames wait for. A broker may hold those receipts until
/// COMMIT (RabbitMQ does), so a command inside the transaction does not block on its receipt: the wait is kept
/// here with the line that confirms it, <see cref="CommitAsync"/> confirms them once COMMIT is confirmed, and
/// <see cref="AbortAsync"/> forgets them. Each frame's owner learns whether it took effect.
/// </summary>
internal sealed class ShellTransaction(StompTransaction transaction) : IAsyncDisposable
{
    private readonly List<(Task Wait, string Confirmation, Action<bool>? Ended)> _deferred = [];
    private readonly CancellationTokenSource _abandon = new();
    private int _ended;

    /// <summary>The client's transaction, to send and acknowledge in.</summary>
    public StompTransaction Inner => transaction;

    /// <summary>Cancelled when the transaction is aborted: the waits of the frames inside end.</summary>
    public CancellationToken Abandoned => _abandon.Token;

    /// <summary>
    /// Keeps the wait for the receipt(s) of a frame inside, the line to print once it came, and what to tell when
    /// the transaction ends: <see langword="true"/> if the frame took effect.
    /// </summary>
    public void Defer(Task wait, string confirmation, Action<bool>? ended) => _deferred.Add((wait, confirmation, ended));

    /// <summary>Sends COMMIT and waits for its receipt, then for the frames inside in order, passing each confirmation to <paramref name="confirmed"/>.</summary>
    public async Task CommitAsync(Action<string> confirmed, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(receipt: true, cancellationToken);
        for (; _ended < _deferred.Count; _ended++)
        {
            var (wait, confirmation, ended) = _deferred[_ended];
            await wait.WaitAsync(cancellationToken);
            ended?.Invoke(true);
            confirmed(confirmation);
        }
    }

    /// <summary>Forgets the receipts of the frames inside (the broker discards them), then sends ABORT and waits for its receipt.</summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        await _abandon.CancelAsync();
        await transaction.AbortAsync(receipt: true, cancellationToken);
    }

    /// <summary>Aborts the transaction unless it ended; what was not confirmed took no effect. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        await _abandon.CancelAsync();
        await transaction.DisposeAsync();
        for (; _ended < _deferred.Count; _ended++)
        {
            _deferred[_ended].Ended?.Invoke(false);
        }

        _abandon.Dispose();
    }
}

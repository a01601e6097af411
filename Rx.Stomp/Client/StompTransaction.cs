using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// A STOMP transaction: sends and acknowledgements inside it take effect on <see cref="CommitAsync"/>, or not at
/// all on <see cref="AbortAsync"/>. Disposing it uncommitted aborts it. It belongs to the connection that began it.
/// </summary>
public sealed class StompTransaction : IAsyncDisposable
{
    private readonly StompClient _client;
    private readonly object _connection;
    private int _ended;

    internal StompTransaction(StompClient client, string id, object connection)
    {
        _client = client;
        Id = id;
        _connection = connection;
    }

    /// <summary>The <c>transaction</c> header value, unique on this client.</summary>
    public string Id { get; }

    /// <summary>Whether the transaction was committed or aborted.</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Sends within the transaction.</summary>
    public Task SendAsync(string destination, ReadOnlyMemory<byte> body, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        return _client.SendAsync(destination, body, options, Id, cancellationToken);
    }

    /// <summary>Sends text within the transaction.</summary>
    public Task SendAsync(string destination, string text, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(destination, _client.Options.TextEncoding.GetBytes(text), options, cancellationToken);
    }

    /// <summary>Commits; with <paramref name="receipt"/>, waits until the broker confirms.</summary>
    public Task CommitAsync(bool receipt = true, CancellationToken cancellationToken = default) => EndAsync(StompCommand.Commit, receipt, cancellationToken);

    /// <summary>Aborts: nothing sent or acknowledged inside takes effect.</summary>
    public Task AbortAsync(bool receipt = true, CancellationToken cancellationToken = default) => EndAsync(StompCommand.Abort, receipt, cancellationToken);

    private async Task EndAsync(StompCommand command, bool receipt, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            throw new InvalidOperationException($"Transaction {Id} was already committed or aborted.");
        }

        if (!ReferenceEquals(_client.RequireSession().Connection, _connection))
        {
            throw new StompConnectionException($"Transaction {Id} belonged to a connection that is gone; the broker aborted it.");
        }

        await _client.SendFrameAsync(new Frame(command, StompHeaders.Create((StompHeaderNames.Transaction, Id))), receipt, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfEnded()
    {
        if (IsEnded)
        {
            throw new InvalidOperationException($"Transaction {Id} was already committed or aborted.");
        }
    }

    /// <summary>Aborts the transaction unless it was committed or aborted; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsEnded)
        {
            return;
        }

        try
        {
            await EndAsync(StompCommand.Abort, receipt: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StompException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection is gone: the broker aborts uncommitted transactions itself.
        }
    }
}

using Rx.Stomp.Frames;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Client;

/// <summary>
/// A STOMP transaction: sends and acknowledgements inside it take effect on <see cref="CommitAsync(bool, CancellationToken)"/>, or not at
/// all on <see cref="AbortAsync(bool, CancellationToken)"/>. Disposing it uncommitted aborts it. It belongs to the connection that began it.
/// </summary>
public sealed class StompTransaction : IAsyncDisposable
{
    private readonly StompClient _client;
    private readonly Session _session;
    private int _ended;

    internal StompTransaction(StompClient client, string id, Session session)
    {
        _client = client;
        Id = id;
        _session = session;
    }

    /// <summary>The <c>transaction</c> header value: unique on this client, or the one chosen in <see cref="TransactionOptions.Id"/>.</summary>
    public string Id { get; }

    /// <summary>The connection the transaction belongs to: its frames go there and nowhere else.</summary>
    internal Session Session => _session;

    /// <summary>Writes BEGIN on the current connection: a transaction lives and dies with one connection, so it never waits offline.</summary>
    internal static async Task<StompTransaction> BeginAsync(StompClient client, Supervisor supervisor, TransactionOptions options, IdGenerator ids, CancellationToken cancellationToken)
    {
        var session = supervisor.Require();
        var id = options.Id ?? ids.Next("tx");
        ArgumentException.ThrowIfNullOrEmpty(id, nameof(options));
        await session.SendBoundAsync(new Frame(StompCommand.Begin, options.Headers.Set(StompHeaderNames.Transaction, id)), options.Receipt, contentLength: false,
            () => $"The connection ended before transaction {id} began.", cancellationToken).ConfigureAwait(false);
        return new StompTransaction(client, id, session);
    }

    /// <summary>Whether the transaction was committed or aborted.</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Sends within the transaction.</summary>
    public Task SendAsync(string destination, ReadOnlyMemory<byte> body, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        options ??= SendOptions.Default;
        return SendTracing.SendAsync(_client.BuildSend(destination, body, options, Id), _session.Endpoint, parent: default,
            (Transaction: this, Options: options, Cancellation: cancellationToken),
            static (s, frame) => s.Transaction.SendAsync(frame, s.Options.Receipt, s.Options.ContentLength, s.Cancellation));
    }

    /// <summary>Sends text within the transaction.</summary>
    public Task SendAsync(string destination, string text, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(destination, _client.Options.TextEncoding.GetBytes(text), options, cancellationToken);
    }

    /// <summary>Commits; with <paramref name="receipt"/>, waits until the broker confirms.</summary>
    public Task CommitAsync(bool receipt = true, CancellationToken cancellationToken = default) => EndAsync(StompCommand.Commit, StompHeaders.Empty, receipt, cancellationToken);

    /// <summary>Commits with extra COMMIT <paramref name="headers"/> (stomp.py's <c>commit(transaction, headers)</c>).</summary>
    public Task CommitAsync(StompHeaders headers, bool receipt = true, CancellationToken cancellationToken = default) => EndAsync(StompCommand.Commit, headers, receipt, cancellationToken);

    /// <summary>Aborts: nothing sent or acknowledged inside takes effect.</summary>
    public Task AbortAsync(bool receipt = true, CancellationToken cancellationToken = default) => EndAsync(StompCommand.Abort, StompHeaders.Empty, receipt, cancellationToken);

    /// <summary>Aborts with extra ABORT <paramref name="headers"/> (stomp.py's <c>abort(transaction, headers)</c>).</summary>
    public Task AbortAsync(StompHeaders headers, bool receipt = true, CancellationToken cancellationToken = default) => EndAsync(StompCommand.Abort, headers, receipt, cancellationToken);

    private async Task EndAsync(StompCommand command, StompHeaders headers, bool receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            throw new InvalidOperationException($"Transaction {Id} was already committed or aborted.");
        }

        await SendAsync(new Frame(command, headers.Set(StompHeaderNames.Transaction, Id)), receipt, contentLength: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A transaction lives and dies with its connection: its frames never wait for, or go to, another.</summary>
    private Task SendAsync(Frame frame, bool receipt, bool contentLength, CancellationToken cancellationToken) =>
        _session.SendBoundAsync(frame, receipt, contentLength, () => $"Transaction {Id} belonged to a connection that is gone; the broker aborted it.", cancellationToken);

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
            await EndAsync(StompCommand.Abort, StompHeaders.Empty, receipt: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StompException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection is gone: the broker aborts uncommitted transactions itself.
        }
    }
}

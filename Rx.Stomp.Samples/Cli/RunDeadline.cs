namespace Rx.Stomp.Samples.Cli;

/// <summary>
/// A user's time limit over a whole run: connecting (every attempt), running and disconnecting all take
/// <see cref="Token"/>, so nothing the peer does (silence, a closed socket, bytes that are not STOMP) makes the run
/// outlast it. <see cref="Expired"/> tells the limit from Ctrl+C, which cancels <see cref="Token"/> too.
/// </summary>
internal sealed class RunDeadline : IDisposable
{
    /// <summary>How long closing may take once the limit passed; then the process leaves, which closes the socket.</summary>
    private static readonly TimeSpan ClosingGrace = TimeSpan.FromSeconds(0.5);

    private readonly CancellationTokenSource _limit = new();
    private readonly CancellationTokenSource _either;

    /// <param name="limit">The limit, counted from now; <see langword="null"/> for none.</param>
    /// <param name="interrupt">Ctrl+C or SIGTERM.</param>
    public RunDeadline(TimeSpan? limit, CancellationToken interrupt)
    {
        _either = CancellationTokenSource.CreateLinkedTokenSource(interrupt, _limit.Token);
        if (limit is { } after)
        {
            _limit.CancelAfter(after);
        }
    }

    /// <summary>Cancelled at the limit or on Ctrl+C.</summary>
    public CancellationToken Token => _either.Token;

    /// <summary>Cancelled at the limit only: for leaving cleanly after Ctrl+C, still within the limit.</summary>
    public CancellationToken LimitToken => _limit.Token;

    /// <summary>Whether the limit passed.</summary>
    public bool Expired => _limit.IsCancellationRequested;

    /// <summary>Takes the limit away: what it bounded is done (Ctrl+C still cancels <see cref="Token"/>).</summary>
    public void Lift() => _limit.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Disposes <paramref name="client"/>; once the limit passed, waits for that at most <see cref="ClosingGrace"/>:
    /// <see cref="Client.StompClient.DisposeAsync"/> takes no token and waits up to its DisconnectTimeout for a
    /// RECEIPT that a silent peer never sends.
    /// </summary>
    public async Task CloseAsync(IAsyncDisposable client)
    {
        var closing = client.DisposeAsync().AsTask();
        if (!Expired)
        {
            await closing;
            return;
        }

        try
        {
            await closing.WaitAsync(ClosingGrace);
        }
        catch (TimeoutException)
        {
            // Abandoned: the process ends now, and the socket with it.
        }
    }

    public void Dispose()
    {
        _either.Dispose();
        _limit.Dispose();
    }
}

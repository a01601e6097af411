using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// A transport to a host that never answers the connection (a dropped SYN): each attempt waits until cancelled, and
/// then, so that a test can decide what the client sees when it hears of the cancellation, until <see cref="Release"/>.
/// </summary>
internal sealed class SilentHostTransport : IStompTransport
{
    private readonly TaskCompletionSource _attempted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client first tries to connect.</summary>
    public Task Attempted => _attempted.Task;

    /// <summary>The endpoints the client tried, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<StompEndpoint> Attempts { get; } = new();

    /// <summary>Lets cancelled attempts end (they end at once when released before).</summary>
    public void Release() => _released.TrySetResult();

    public async ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        Attempts.Enqueue(endpoint);
        _attempted.TrySetResult();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(() => cancelled.TrySetResult()))
        {
            await cancelled.Task;
        }

        await _released.Task;
        throw new OperationCanceledException(cancellationToken);
    }
}

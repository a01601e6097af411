using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Listeners;

/// <summary>
/// stomp.py's <c>WaitingListener</c> as awaitables, each bounded by a timeout on the client's scheduler. Frames
/// sent with <c>receipt: true</c> already wait for their RECEIPT; these are for receipts asked for by hand.
/// </summary>
public static class StompWaits
{
    /// <summary>
    /// Starts waiting for the RECEIPT <paramref name="receiptId"/>; call it <em>before</em> sending the frame that asks
    /// for it, then await the task.
    /// </summary>
    /// <exception cref="StompTimeoutException">No such RECEIPT within <paramref name="timeout"/> (default: the options' receipt timeout).</exception>
    public static Task<Receipt> WaitForReceiptAsync(this StompClient client, string receiptId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(receiptId);
        var limit = timeout ?? client.Options.ReceiptTimeout;
        return FirstAsync(client, client.Receipts.Where(r => r.Id == receiptId), limit,
            () => new StompTimeoutException($"No RECEIPT {receiptId} within {limit.TotalSeconds:0.###} s."), cancellationToken);
    }

    /// <summary>
    /// Starts waiting for the broker to confirm the next SUBSCRIBE to <paramref name="destination"/> (its RECEIPT): call
    /// it <em>before</em> subscribing a watch (or <c>Replies</c>) to it, then await the task; from then on the broker
    /// delivers what is sent there. The watch must ask for the receipt (<see cref="SubscribeOptions.Receipt"/>, on by
    /// default).
    /// </summary>
    /// <exception cref="StompErrorException">The broker refused the SUBSCRIBE.</exception>
    /// <exception cref="StompTimeoutException">No such SUBSCRIBE confirmed within <paramref name="timeout"/> (default: the options' receipt timeout).</exception>
    public static Task<Receipt> WaitForSubscriptionAsync(this StompClient client, string destination, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var limit = timeout ?? client.Options.ReceiptTimeout;
        // Sent is published before the frame is written, so the answer is listened for before it can come.
        var confirmed = client.Sent
            .Where(f => f.Command == StompCommand.Subscribe && f.Headers[StompHeaderNames.Destination] == destination && f.Headers[StompHeaderNames.Receipt] is not null)
            .Take(1)
            .SelectMany(subscribe => Answer(client, subscribe.Headers[StompHeaderNames.Receipt]!));
        return FirstAsync(client, confirmed, limit,
            () => new StompTimeoutException($"No confirmed SUBSCRIBE to {destination} within {limit.TotalSeconds:0.###} s."), cancellationToken);
    }

    /// <summary>Completes once the client is not connected: at once if it is not, else when its connection is lost or closed.</summary>
    /// <exception cref="StompTimeoutException">Still connected after <paramref name="timeout"/>.</exception>
    public static Task<ConnectionState> WaitForDisconnectionAsync(this StompClient client, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return FirstAsync(client, client.State.Where(s => s.Kind != ConnectionStateKind.Connected), timeout,
            () => new StompTimeoutException($"Still connected after {timeout.TotalSeconds:0.###} s."), cancellationToken);
    }

    /// <summary>The RECEIPT <paramref name="receiptId"/>, or the ERROR that names it as a failure.</summary>
    private static IObservable<Receipt> Answer(StompClient client, string receiptId) =>
        client.Receipts.Where(r => r.Id == receiptId).Merge(client.Errors
            .Where(e => e.Frame?.Headers[StompHeaderNames.ReceiptId] == receiptId)
            .SelectMany(e => Observable.Throw<Receipt>(e.Exception)));

    private static Task<T> FirstAsync<T>(StompClient client, IObservable<T> source, TimeSpan timeout, Func<Exception> onTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        // Subscribed now, so what arrives between this call and the caller's await is not missed; the caller resumes
        // off the read loop.
        var first = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = source.Take(1).Subscribe(
            value => first.TrySetResult(value),
            error => first.TrySetException(error),
            () => first.TrySetException(new StompConnectionException("The client was disposed while waiting.")));
        var waiting = first.Task.WithTimeout(timeout, client.Options.Scheduler, onTimeout, cancellationToken);
        _ = waiting.ContinueWith(_ => subscription.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return waiting;
    }
}

using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// Where a frame that is not bound to one connection goes: written now when connected and nothing waits before it;
/// else queued until the next connection (<see cref="OfflineQueue"/>) or failed, per
/// <see cref="StompClientOptions.OfflineSends"/>; and sent again when it met a connection that had just ended.
/// </summary>
internal sealed class Outbox(StompClientOptions options, Supervisor supervisor)
{
    private static readonly Task<Frame?> Unanswered = Task.FromResult<Frame?>(null);
    private readonly OfflineQueue _queue = new();
    private Task _lastDrain = Task.CompletedTask;

    /// <summary>Sends <paramref name="frame"/>; without a receipt the common case completes synchronously.</summary>
    /// <returns>The RECEIPT when <paramref name="receipt"/> is set, else null once the frame is handed to the connection.</returns>
    public Task<Frame?> SendAsync(Frame frame, bool receipt, bool contentLength, CancellationToken cancellationToken)
    {
        var session = supervisor.Current;
        if (session is null || session.IsDisconnecting || !_queue.IsIdle)
        {
            return SendOfflineAsync(session, frame, receipt, contentLength, cancellationToken);
        }

        if (receipt)
        {
            return SentAgainIfEndedAsync(ConfirmAsync(session, frame, contentLength, cancellationToken), session, frame, receipt, contentLength, cancellationToken);
        }

        var write = session.WriteAsync(frame, contentLength, cancellationToken);
        return write.IsCompletedSuccessfully
            ? Unanswered
            : SentAgainIfEndedAsync(UnansweredAsync(write), session, frame, receipt, contentLength, cancellationToken);
    }

    private Task<Frame?> SendOfflineAsync(Session? session, Frame frame, bool receipt, bool contentLength, CancellationToken cancellationToken)
    {
        if ((session is null || session.IsDisconnecting) && (options.OfflineSends == OfflineSends.Fail || !supervisor.IsRunning))
        {
            supervisor.Require();
        }

        if (_queue.TryEnqueue(frame, receipt, contentLength, options, cancellationToken) is { } queued)
        {
            return queued;
        }

        // Connected, and the queue drained between the checks: write directly after all, on the current connection.
        session = supervisor.Require();
        var direct = receipt
            ? ConfirmAsync(session, frame, contentLength, cancellationToken)
            : UnansweredAsync(session.WriteAsync(frame, contentLength, cancellationToken));
        return SentAgainIfEndedAsync(direct, session, frame, receipt, contentLength, cancellationToken);
    }

    /// <summary>
    /// Awaits a write made directly on <paramref name="session"/>. One the broker never took (the connection had ended
    /// already, its end not yet taken in; or it was written after the broker's final ERROR) goes out the way any send
    /// does once that end is taken in (on the next connection, into the queue, or failing as the options say),
    /// instead of failing for a race with the end.
    /// </summary>
    private async Task<Frame?> SentAgainIfEndedAsync(Task<Frame?> direct, Session session, Frame frame, bool receipt, bool contentLength, CancellationToken cancellationToken)
    {
        try
        {
            return await direct.ConfigureAwait(false);
        }
        catch (ConnectionEndedException) when (frame.Command == StompCommand.Send && frame.Headers[StompHeaderNames.Transaction] is null)
        {
            // By the time the session has ended it is no longer current (the supervisor takes the end in first). Frames
            // bound to their connection (a user's ACK, a transaction's frame) are not sent elsewhere.
            await session.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await SendAsync(frame, receipt, contentLength, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Frame?> ConfirmAsync(Session session, Frame frame, bool contentLength, CancellationToken cancellationToken) =>
        await session.ConfirmAsync(frame, contentLength, options.ReceiptTimeout, cancellationToken).ConfigureAwait(false);

    private static async Task<Frame?> AnswerAsync(PendingReceipt receipt) => await receipt.Answer.ConfigureAwait(false);

    private static async Task FinishAsync(OfflineQueue.Item item, Task<Frame?> sent)
    {
        try
        {
            var receipt = await sent.ConfigureAwait(false);
            item.Finish(s => s.TrySetResult(receipt));
        }
#pragma warning disable CA1031 // The failure is the caller's, who waits on the item.
        catch (Exception e)
#pragma warning restore CA1031
        {
            item.Finish(s => s.TrySetException(e));
        }
    }

    private static async Task<Frame?> UnansweredAsync(ValueTask write)
    {
        await write.ConfigureAwait(false);
        return null;
    }

    /// <summary>A connection is up: from now until <see cref="DrainAsync"/> finds the queue empty, new frames queue behind the old ones.</summary>
    public void BeginDrain() => _queue.BeginDrain();

    /// <summary>Writes the queued frames on <paramref name="session"/>, in order; a caller asking for a receipt hears of it when it comes.</summary>
    public async Task DrainAsync(Session session)
    {
        // One drain at a time: a drain whose connection ended under the frame it was writing puts that frame back at the
        // head of the queue, and the next connection's drain, which may already be under way, must find it there.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var previous = Interlocked.Exchange(ref _lastDrain, done.Task);
        try
        {
            await previous.ConfigureAwait(false);
            await DrainQueueAsync(session).ConfigureAwait(false);
        }
        finally
        {
            done.SetResult();
        }
    }

    private async Task DrainQueueAsync(Session session)
    {
        while (_queue.TryDequeue() is { } item)
        {
            try
            {
                if (!item.Receipt)
                {
                    await session.WriteAsync(item.Frame, item.ContentLength, CancellationToken.None).ConfigureAwait(false);
                    item.Finish(s => s.TrySetResult(null));
                    continue;
                }

                // Only the write is awaited: the next frame must follow this one, not its RECEIPT.
                var receipt = session.ExpectReceipt(item.Frame.Command, options.ReceiptTimeout, CancellationToken.None);
                await session.WriteAsync(item.Frame, receipt, item.ContentLength, CancellationToken.None).ConfigureAwait(false);
                var answered = SentAgainIfEndedAsync(AnswerAsync(receipt), session, item.Frame, receipt: true, item.ContentLength, CancellationToken.None);
                _ = FinishAsync(item, answered);
            }
            catch (StompConnectionException e) when (e is ConnectionEndedException || !ReferenceEquals(supervisor.Current, session))
            {
                // Lost again while draining: the frame waits for the next connection.
                _queue.Requeue(item);
                return;
            }
#pragma warning disable CA1031 // One frame's failure is its caller's alone: the rest of the queue goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                item.Finish(s => s.TrySetException(e));
            }
        }
    }

    /// <summary>The connection ended: from now on frames wait for the next one.</summary>
    public void GoOffline() => _queue.GoOffline();

    /// <summary>Fails every queued frame: the client gave up, was disconnected or disposed.</summary>
    public void FailAll(Exception error) => _queue.FailAll(error);
}

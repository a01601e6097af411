using System.Collections.Concurrent;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Client;

/// <summary>
/// The live watches by subscription id (MESSAGE frames are routed by <c>subscription</c>, never by destination):
/// their SUBSCRIBE now or once connected, again on every new connection, their UNSUBSCRIBE, and their states.
/// </summary>
/// <remarks>
/// A watch's observer is the client's wrapper (<see cref="SerializedDelivery{T}"/> or a scheduled one): messages come
/// from the readers, its end (refused, cancelled, given up, disposed) from any thread, and its calls never overlap.
/// </remarks>
internal sealed class Watches
{
    private readonly ConcurrentDictionary<string, Watcher> _watchers = new(StringComparer.Ordinal);
    private readonly StompClientOptions _options;
    private readonly ILogger _log;
    private readonly IdGenerator _ids;
    private readonly Supervisor _supervisor;

    public Watches(StompClientOptions options, ILogger log, ErrorStream errors, IdGenerator ids, Supervisor supervisor)
    {
        _options = options;
        _log = log;
        _ids = ids;
        _supervisor = supervisor;
        States = new WatchStates(errors.ReportObserverFault);
    }

    public WatchStates States { get; }

    /// <summary>Registers a watch and sends its SUBSCRIBE if connected (else the next connection does); never throws.</summary>
    public IDisposable Add(string destination, SubscribeOptions options, IObserver<StompMessage> observer)
    {
        var watcher = new Watcher(options.IdOr(() => _ids.Next("sub")), destination, options, observer);
        if (!_watchers.TryAdd(watcher.Id, watcher))
        {
            observer.OnError(new ArgumentException($"Subscription id '{watcher.Id}' is already in use on this client.", nameof(options)));
            return Disposable.Empty;
        }

        States.Add(new WatchState(watcher.Id, destination, WatchStateKind.Subscribing));
        if (_supervisor.Current is { } session)
        {
            _ = SubscribeAsync(session, watcher);
        }

        return Disposable.Create(() => Remove(watcher));
    }

    /// <summary>Hands a MESSAGE to the watch it names; on the reader.</summary>
    public void Deliver(StompMessage message)
    {
        if (message.Subscription is { } id && _watchers.TryGetValue(id, out var watcher))
        {
            watcher.Observer.OnNext(message);
        }
    }

    /// <summary>Writes the SUBSCRIBE of every live watch on a new connection, in order; their receipts are not awaited.</summary>
    public async Task ResubscribeAsync(Session session)
    {
        foreach (var watcher in _watchers.Values)
        {
            if (await WriteSubscribeAsync(session, watcher).ConfigureAwait(false) is { } receipt)
            {
                _ = ConfirmAsync(session, watcher, receipt);
            }
        }
    }

    /// <summary>Whether a watch with subscription id <paramref name="id"/> is live.</summary>
    public bool IsLive(string id) => _watchers.ContainsKey(id);

    /// <summary>The connection was lost: subscribed watches are to be subscribed again.</summary>
    public void Lost() => States.Lost();

    /// <summary>An ERROR named a live watch's subscription: the broker cancelled it (RabbitMQ, when its queue is deleted).</summary>
    public void Cancelled(string id, StompErrorException error)
    {
        if (_watchers.TryGetValue(id, out var watcher))
        {
            End(watcher, error);
        }
    }

    /// <summary>The client gave up connecting: every watch ends with <paramref name="error"/>.</summary>
    public void FailAll(Exception error)
    {
        foreach (var watcher in _watchers.Values)
        {
            End(watcher, error);
        }
    }

    /// <summary>The client is disposed: every watch completes.</summary>
    public void CompleteAll()
    {
        foreach (var watcher in _watchers.Values)
        {
            if (Forget(watcher, WatchStateKind.Unsubscribed))
            {
                watcher.Observer.OnCompleted();
            }
        }

        States.Complete();
    }

    private async Task SubscribeAsync(Session session, Watcher watcher)
    {
        if (await WriteSubscribeAsync(session, watcher).ConfigureAwait(false) is { } receipt)
        {
            await ConfirmAsync(session, watcher, receipt).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the SUBSCRIBE of <paramref name="watcher"/> on <paramref name="session"/> unless it went out there
    /// already or the watch was removed; the result is its pending RECEIPT, if one was asked for.
    /// </summary>
    private async Task<PendingReceipt?> WriteSubscribeAsync(Session session, Watcher watcher)
    {
        if (watcher.TryClaim(session) is not { } written)
        {
            return null;
        }

        var sent = false;
        try
        {
            var given = watcher.Options.HeadersFactory is { } factory ? watcher.Options.Headers.Concat(factory()) : watcher.Options.Headers;
            // The typed options as this connection's broker spells them: a failover may have reached another kind.
            var mapped = SubscriptionHeaders.ForSubscribe(session.Server, watcher.Id, watcher.Options, SubscriptionHeaders.ClientId(_options), given, _log);
            var headers = StompHeaders.Create(
                (StompHeaderNames.Destination, watcher.Destination),
                (StompHeaderNames.Id, watcher.Id),
                (StompHeaderNames.Ack, watcher.Options.Ack.ToWire())).Concat(given).Concat(mapped);
            var frame = new Frame(StompCommand.Subscribe, headers);
            if (!watcher.Options.Receipt)
            {
                await session.WriteAsync(frame, contentLength: false, CancellationToken.None).ConfigureAwait(false);
                sent = true;
                Subscribed(session, watcher);
                return null;
            }

            var receipt = session.ExpectReceipt(StompCommand.Subscribe, _options.ReceiptTimeout, CancellationToken.None);
            await session.WriteAsync(frame, receipt, contentLength: false, CancellationToken.None).ConfigureAwait(false);
            sent = true;
            return receipt;
        }
#pragma warning disable CA1031 // Whatever went wrong is reported to this watch, or waits for the next connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnSubscribeFailed(watcher, e);
            return null;
        }
        finally
        {
            written.TrySetResult(sent);
        }
    }

    private async Task ConfirmAsync(Session session, Watcher watcher, PendingReceipt receipt)
    {
        try
        {
            await receipt.Answer.ConfigureAwait(false);
            Subscribed(session, watcher);
        }
#pragma warning disable CA1031 // See WriteSubscribeAsync.
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnSubscribeFailed(watcher, e);
        }
    }

    /// <summary>Subscribed, unless the connection has ended since: then it is re-subscribing (set under the same lock).</summary>
    private void Subscribed(Session session, Watcher watcher) =>
        States.Set(watcher.Id, WatchStateKind.Subscribed, when: _ => session.IsOpen);

    private void OnSubscribeFailed(Watcher watcher, Exception e)
    {
        if (e is StompErrorException or StompProtocolException or ArgumentException or InvalidOperationException)
        {
            // The broker refused this SUBSCRIBE, or its headers cannot be sent (or their factory threw): the error is this watch's own.
            End(watcher, e);
        }
        else
        {
            // The connection went away: the next one subscribes again.
            Log.SubscribeUnconfirmed(_log, watcher.Id, watcher.Destination, e.Message);
        }
    }

    /// <summary>Ends a watch the broker does not (or no longer) serve, without UNSUBSCRIBE: there is nothing to undo.</summary>
    private void End(Watcher watcher, Exception error)
    {
        if (Forget(watcher, WatchStateKind.Failed, error))
        {
            watcher.Observer.OnError(error);
        }
    }

    /// <summary>
    /// Ends the watch <paramref name="id"/> (its observer completes) and writes its UNSUBSCRIBE with
    /// <paramref name="headers"/> (else its options' <see cref="SubscribeOptions.UnsubscribeHeaders"/>) where its
    /// SUBSCRIBE went out, if that is the current connection; with no watch of that id, the UNSUBSCRIBE goes to the
    /// current connection as it is (stomp.py's <c>unsubscribe</c>: a subscription made by hand, a durable one to remove).
    /// </summary>
    /// <exception cref="StompConnectionException">No watch of that id, and not connected.</exception>
    public async Task UnsubscribeAsync(string id, StompHeaders? headers, bool receipt, CancellationToken cancellationToken)
    {
        Session session;
        string? destination = null;
        if (_watchers.TryGetValue(id, out var watcher) && Forget(watcher, WatchStateKind.Unsubscribed))
        {
            watcher.Observer.OnCompleted();
            if (await SubscribedOnCurrentAsync(watcher, cancellationToken).ConfigureAwait(false) is not { } subscribedOn)
            {
                // Its SUBSCRIBE never reached the current connection: nothing there to undo.
                return;
            }

            (session, destination, headers) = (subscribedOn, watcher.Destination, headers ?? watcher.Options.UnsubscribeHeaders);
        }
        else
        {
            session = _supervisor.Require();
        }

        await session.SendBoundAsync(UnsubscribeFrame(session, id, destination, headers ?? StompHeaders.Empty), receipt, contentLength: false,
            () => $"The connection ended before the UNSUBSCRIBE of {id} was written; the broker dropped its subscription with it.", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user disposed the watch: UNSUBSCRIBE on the connection it was subscribed on, once its SUBSCRIBE went out there.</summary>
    private void Remove(Watcher watcher)
    {
        if (Forget(watcher, WatchStateKind.Unsubscribed))
        {
            _ = UnsubscribeOnDisposalAsync(watcher);
        }
    }

    /// <summary>Writes the UNSUBSCRIBE of a disposed watch, with its options' headers, unless its SUBSCRIBE did not reach the current connection.</summary>
    private async Task UnsubscribeOnDisposalAsync(Watcher watcher)
    {
        try
        {
            if (await SubscribedOnCurrentAsync(watcher, CancellationToken.None).ConfigureAwait(false) is { } session)
            {
                var unsubscribe = UnsubscribeFrame(session, watcher.Id, watcher.Destination, watcher.Options.UnsubscribeHeaders);
                await session.WriteAsync(unsubscribe, contentLength: false, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (StompException e)
        {
            Log.UnsubscribeNotSent(_log, e.Message);
        }
    }

    /// <summary>
    /// The current connection, once the SUBSCRIBE of a removed <paramref name="watcher"/> was written there (at once,
    /// usually: an UNSUBSCRIBE must never overtake it); null when it was not, or went to an older connection.
    /// </summary>
    private async Task<Session?> SubscribedOnCurrentAsync(Watcher watcher, CancellationToken cancellationToken)
    {
        var (subscribedOn, subscribeWritten) = watcher.Remove();
        if (subscribedOn is null || !ReferenceEquals(subscribedOn, _supervisor.Current) || !subscribedOn.IsOpen)
        {
            return null;
        }

        // The SUBSCRIBE's write ends with its connection at the latest; a caller's token may end the wait sooner.
        return await subscribeWritten.WaitAsync(cancellationToken).ConfigureAwait(false) ? subscribedOn : null;
    }

    /// <summary>UNSUBSCRIBE <paramref name="id"/> (with the destination too on STOMP 1.0), then <paramref name="headers"/>.</summary>
    public static Frame UnsubscribeFrame(Session session, string id, string? destination, StompHeaders headers)
    {
        var frame = StompHeaders.Create((StompHeaderNames.Id, id));
        if (session.Version == StompVersion.V10 && destination is not null)
        {
            frame = frame.Add(StompHeaderNames.Destination, destination);
        }

        return new Frame(StompCommand.Unsubscribe, frame.Concat(headers.Where(h => h.Key is not StompHeaderNames.Id)));
    }

    /// <summary>Removes <paramref name="watcher"/> if it is still registered, with its final state; false if it was gone already.</summary>
    private bool Forget(Watcher watcher, WatchStateKind status, Exception? error = null)
    {
        if (!_watchers.TryRemove(new KeyValuePair<string, Watcher>(watcher.Id, watcher)))
        {
            return false;
        }

        watcher.Remove();
        States.Set(watcher.Id, status, error);
        return true;
    }
}

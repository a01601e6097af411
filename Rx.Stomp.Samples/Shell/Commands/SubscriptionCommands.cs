using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell.Commands;

/// <summary><c>subscribe</c> and <c>unsubscribe</c>.</summary>
internal static class SubscriptionCommands
{
    public static readonly ShellVerb Subscribe = new(
        "subscribe", "subscribe <destination> [auto|client|client-individual]",
        "Subscribe to a destination; its messages are printed as they arrive.",
        "Sends SUBSCRIBE and waits for the broker's RECEIPT. With ack client or client-individual, each message shows\n"
        + "its id (id:...) for 'ack' and 'nack'. The subscription is renewed by itself after a reconnect.",
        [ArgumentKind.Destination, ArgumentKind.AckMode], 1, SubscribeAsync);

    public static readonly ShellVerb Unsubscribe = new(
        "unsubscribe", "unsubscribe <destination>",
        "End the subscription to a destination.",
        "Sends UNSUBSCRIBE; messages of the subscription not yet acknowledged go back to the broker.",
        [ArgumentKind.Subscribed], 1, UnsubscribeAsync);

    private static async Task SubscribeAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        var destination = args[0];
        var ack = ParseAck(args.Optional(1) ?? "auto");
        if (shell.Subscriptions.Contains(destination))
        {
            throw new UsageException($"Already subscribed to {destination}.");
        }

        shell.Remember(destination);
        var id = shell.Subscriptions.NextId();
        var ended = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = new SingleAssignmentDisposable();
        var subscription = new ShellSubscription(destination, id, ack, watch);
        shell.Subscriptions.Add(subscription);
        // Nothing else of the shell waits for a receipt while a command runs, so the next RECEIPT answers this
        // SUBSCRIBE; the watch ends with an error instead when the broker refuses it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var confirmed = shell.Client.Receipts.FirstAsync().ToTask(deadline.Token);
        watch.Disposable = shell.Client.Watch(destination, new SubscribeOptions { Ack = ack, Id = id }).Subscribe(
            m => shell.Incoming.Message(m, subscription),
            e =>
            {
                ended.TrySetResult(e);
                shell.OnSubscriptionEnded(subscription, e);
            });

        var timeout = shell.Client.Options.ReceiptTimeout;
        var first = await Task.WhenAny(confirmed, ended.Task, Task.Delay(timeout, deadline.Token));
        await deadline.CancelAsync();
        if (first != confirmed)
        {
            shell.Subscriptions.Remove(subscription);
            watch.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw first == ended.Task
                ? await ended.Task
                : new StompTimeoutException($"No RECEIPT for SUBSCRIBE to {destination} within {timeout.TotalSeconds:0.###} s.");
        }

        shell.Output.Line($"Subscribed to {destination} (ack {ack.ToWire()}, id {id}).");
    }

    private static Task UnsubscribeAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        var subscription = shell.Subscriptions.Remove(args[0]) ?? throw new UsageException($"Not subscribed to {args[0]}.");
        subscription.Watch.Dispose();
        shell.Pending.Forget(subscription);
        shell.Output.Line($"Unsubscribed from {subscription.Destination}.");
        return Task.CompletedTask;
    }

    private static AckMode ParseAck(string text)
    {
        try
        {
            return AckModes.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message, e);
        }
    }
}

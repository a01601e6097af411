using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// <see cref="StompClient.RemoveDurableSubscriptionAsync"/>: removes a durable subscription as the connected broker
/// wants it (<see cref="SubscriptionHeaders.ForRemoval"/>), each frame confirmed by its RECEIPT.
/// </summary>
internal static class DurableRemoval
{
    public static async Task RemoveAsync(Watches watches, Supervisor supervisor, string destination, string name, CancellationToken cancellationToken)
    {
        if (watches.IsLive(name))
        {
            // A plain UNSUBSCRIBE, which keeps the subscription: ActiveMQ refuses to remove one still consumed from,
            // and a watch left live would make it again on the next connection.
            await watches.UnsubscribeAsync(name, StompHeaders.Empty, receipt: true, cancellationToken).ConfigureAwait(false);
        }

        var session = supervisor.Require();
        var (attach, remove) = SubscriptionHeaders.ForRemoval(session.Server, name);
        if (attach is not null)
        {
            var subscribe = new Frame(StompCommand.Subscribe, StompHeaders.Create((StompHeaderNames.Destination, destination), (StompHeaderNames.Id, name)).Concat(attach));
            await session.SendBoundAsync(subscribe, receipt: true, contentLength: false, Gone, cancellationToken).ConfigureAwait(false);
        }

        await session.SendBoundAsync(Watches.UnsubscribeFrame(session, name, destination, remove), receipt: true, contentLength: false, Gone, cancellationToken).ConfigureAwait(false);

        string Gone() => $"The connection ended before the durable subscription '{name}' was removed; it is still there.";
    }
}

namespace Rx.Stomp.Client;

/// <summary>Where a watch (one <c>Subscribe()</c> of <see cref="StompClient.Watch"/>) stands with the broker.</summary>
public enum WatchStateKind
{
    /// <summary>Its SUBSCRIBE is on its way, or waits for the first connection.</summary>
    Subscribing,

    /// <summary>The broker confirmed the SUBSCRIBE (or it was written, when no receipt was asked for): messages flow.</summary>
    Subscribed,

    /// <summary>The connection was lost: the next one subscribes it again, with the same id.</summary>
    Resubscribing,

    /// <summary>Ended with <see cref="WatchState.Error"/>: the broker refused or cancelled it, or the client gave up reconnecting. Final.</summary>
    Failed,

    /// <summary>Ended on purpose: its subscription was disposed, or the client was. Final.</summary>
    Unsubscribed,
}

/// <summary>A watch's state: its subscription id and destination, where it stands, and why it failed.</summary>
/// <param name="Id">The subscription id (the <c>id</c> header of its SUBSCRIBE).</param>
/// <param name="Destination">The destination it watches.</param>
/// <param name="Kind">Where it stands.</param>
/// <param name="Error">Why it failed, when <paramref name="Kind"/> is <see cref="WatchStateKind.Failed"/>.</param>
public sealed record WatchState(string Id, string Destination, WatchStateKind Kind, Exception? Error = null)
{
    /// <summary>Whether the watch has ended: nothing more will come from it.</summary>
    public bool IsFinal => Kind is WatchStateKind.Failed or WatchStateKind.Unsubscribed;
}

namespace Rx.Stomp.Client;

/// <summary>One live <c>Subscribe()</c> of a <see cref="StompClient.Watch"/>: what to SUBSCRIBE, and whom to tell.</summary>
internal sealed class Watcher(string id, string destination, SubscribeOptions options, IObserver<StompMessage> observer)
{
    private object? _subscribedOn;

    public string Id { get; } = id;

    public string Destination { get; } = destination;

    public SubscribeOptions Options { get; } = options;

    public IObserver<StompMessage> Observer { get; } = observer;

    /// <summary>Claims the SUBSCRIBE on <paramref name="connection"/>, so that it goes out once per connection.</summary>
    public bool TryClaim(object connection) => !ReferenceEquals(Interlocked.Exchange(ref _subscribedOn, connection), connection);

    /// <summary>Whether SUBSCRIBE went out on <paramref name="connection"/>.</summary>
    public bool IsSubscribedOn(object? connection) => connection is not null && ReferenceEquals(Volatile.Read(ref _subscribedOn), connection);
}

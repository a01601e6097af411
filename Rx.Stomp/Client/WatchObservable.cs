namespace Rx.Stomp.Client;

/// <summary>The cold observable of <see cref="StompClient.Watch"/>: each <c>Subscribe()</c> is a watch of its own.</summary>
internal sealed class WatchObservable(StompClient client, string destination, SubscribeOptions options) : IObservable<StompMessage>
{
    public IDisposable Subscribe(IObserver<StompMessage> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return client.AddWatch(destination, options, observer);
    }
}

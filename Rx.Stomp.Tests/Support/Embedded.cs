using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Support;

/// <summary>Clients of the embedded broker for the usage tests: fast reconnection, bounded waits.</summary>
internal static class Embedded
{
    private static readonly BackoffPolicy Fast = new() { InitialDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = BackoffPolicy.Unlimited };

    /// <summary>Options that reach <paramref name="broker"/>.</summary>
    public static StompClientOptions Options(StompBroker broker) => new()
    {
        Endpoints = [broker.Endpoint],
        Reconnect = Fast,
        ConnectRetry = Fast with { MaxAttempts = 1 },
        ReceiptTimeout = StreamWaits.DefaultTimeout,
    };

    /// <summary>A client of <paramref name="broker"/>, connected.</summary>
    public static async Task<StompClient> ConnectAsync(StompBroker broker, Func<StompClientOptions, StompClientOptions>? configure = null)
    {
        var client = new StompClient((configure ?? (o => o))(Options(broker)));
        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        return client;
    }

    /// <summary>Subscribes to <paramref name="watch"/> and returns once the broker has the subscription to <paramref name="destination"/>.</summary>
    public static async Task<IDisposable> SubscribedAsync<T>(this StompBroker broker, string destination, IObservable<T> watch, IObserver<T> observer)
    {
        var subscribed = broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.Destination == destination);
        var subscription = watch.Subscribe(observer);
        await subscribed;
        return subscription;
    }
}

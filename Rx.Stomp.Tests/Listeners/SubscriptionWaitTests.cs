using System.Reactive.Linq;
using Rx.Stomp.Testing;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Listeners;

/// <summary><see cref="StompWaits.WaitForSubscriptionAsync"/>: knowing that the broker has a watch's subscription.</summary>
public sealed class SubscriptionWaitTests
{
    [Test]
    public async Task It_completes_once_the_broker_confirmed_the_SUBSCRIBE_to_that_destination()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var subscribed = client.WaitForSubscriptionAsync("/queue/served");
        var other = client.WaitForSubscriptionAsync("/queue/other");

        using var first = client.Watch("/queue/other").Subscribe();
        await other;
        Assert.That(subscribed.IsCompleted, Is.False, "another destination's SUBSCRIBE is not this one");
        using var second = client.Watch("/queue/served").Subscribe();
        await subscribed;

        Assert.That(broker.GetQueue("/queue/served").Consumers, Is.EqualTo(1), "the broker has the subscription by then");
    }

    [Test]
    public async Task A_refused_SUBSCRIBE_fails_it_with_the_brokers_error()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], ConnectRetry = Rx.Stomp.Reactive.BackoffPolicy.Connect with { MaxAttempts = 1 } });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var subscribed = client.WaitForSubscriptionAsync("/queue/forbidden");

        using var watch = client.Watch("/queue/forbidden").Subscribe(_ => { }, _ => { });
        var subscribe = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync(new Frame(StompCommand.Error, [new("receipt-id", subscribe.Headers["receipt"]!), new("message", "access refused")]));

        var error = Assert.ThrowsAsync<StompErrorException>(() => subscribed.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.Message, Does.Contain("access refused"));
    }
}

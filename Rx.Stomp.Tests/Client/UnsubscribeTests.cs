using System.Reactive;
using System.Reactive.Linq;
using Rx.Stomp.Testing;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// stomp.py's <c>unsubscribe(id, headers)</c>: <see cref="StompClient.UnsubscribeAsync"/> ends the watch with that id,
/// sends UNSUBSCRIBE with the caller's headers, and completes at the RECEIPT; disposing a watch sends the headers of
/// its options. Frame shapes are read by a raw peer, the RECEIPT's meaning checked on the embedded broker.
/// </summary>
public class UnsubscribeTests
{
    [Test]
    public async Task UnsubscribeAsync_ends_the_watch_sends_the_headers_and_completes_at_the_RECEIPT()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var ended = End(client.Watch("/topic/t", new SubscribeOptions { Id = "w-1", UnsubscribeHeaders = [new("from-options", "no")] }));
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout));

        var unsubscribing = client.UnsubscribeAsync("w-1", [new("activemq.subscriptionName", "orders"), new("x-trace", "7")]);
        var unsubscribe = await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(Shape(unsubscribe), Is.EqualTo("id:w-1 activemq.subscriptionName:orders x-trace:7 receipt:" + unsubscribe.Headers["receipt"]));
        Assert.That(await ended.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(NotificationKind.OnCompleted), "the watch's observer completes");
        Assert.That(unsubscribing.IsCompleted, Is.False, "not before the RECEIPT");
        await peer.SendReceiptAsync(unsubscribe);
        await unsubscribing.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task Disposing_a_watch_sends_the_UNSUBSCRIBE_headers_of_its_options()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var watch = client.Watch("/topic/durable", new SubscribeOptions { Id = "w-2", Receipt = false, UnsubscribeHeaders = [new("durable", "true")] }).Subscribe();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        watch.Dispose();

        Assert.That(Shape(await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout)), Is.EqualTo("id:w-2 durable:true"));
    }

    [Test]
    public async Task UnsubscribeAsync_without_headers_sends_those_of_the_watchs_options()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        using var watch = client.Watch("/topic/durable", new SubscribeOptions { Id = "w-3", Receipt = false, UnsubscribeHeaders = [new("durable", "true")] }).Subscribe();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        var unsubscribing = client.UnsubscribeAsync("w-3");
        var unsubscribe = await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendReceiptAsync(unsubscribe);
        await unsubscribing.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(Shape(unsubscribe), Is.EqualTo("id:w-3 durable:true receipt:" + unsubscribe.Headers["receipt"]));
    }

    [Test]
    public async Task Once_UnsubscribeAsync_returns_the_broker_has_dropped_the_subscription()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var (observer, ended) = Ending();
        using var watch = await broker.SubscribedAsync("/queue/u", client.Watch("/queue/u", new SubscribeOptions { Id = "mine" }), observer);

        await client.UnsubscribeAsync("mine").WaitAsync(StreamWaits.DefaultTimeout);

        // The embedded broker answers a frame after handling it: the RECEIPT means the subscription is gone.
        Assert.That(broker.SubscriptionCount, Is.Zero);
        Assert.That(await ended.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(NotificationKind.OnCompleted));
    }

    [Test]
    public async Task Without_a_watch_of_that_id_the_UNSUBSCRIBE_goes_out_as_given_and_a_refusal_fails_the_call()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);

        var refused = Assert.ThrowsAsync<StompErrorException>(() => client.UnsubscribeAsync("nobody").WaitAsync(StreamWaits.DefaultTimeout));

        Assert.That(refused!.BrokerMessage, Does.Contain("nobody"));
    }

    [Test]
    public async Task Without_a_watch_of_that_id_and_no_connection_UnsubscribeAsync_fails_at_once()
    {
        await using var client = new StompClient(new StompClientOptions { Endpoints = [new("127.0.0.1", 9)] });

        Assert.ThrowsAsync<StompConnectionException>(() => client.UnsubscribeAsync("nobody"));
    }

    [Test]
    public async Task UnsubscribeAsync_of_a_watch_never_subscribed_completes_it_with_nothing_to_send()
    {
        await using var client = new StompClient(new StompClientOptions { Endpoints = [new("127.0.0.1", 9)] });
        var ended = End(client.Watch("/queue/offline", new SubscribeOptions { Id = "offline" }));

        await client.UnsubscribeAsync("offline").WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(await ended.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(NotificationKind.OnCompleted));
    }

    [Test]
    public async Task On_STOMP_1_0_a_watchs_UNSUBSCRIBE_names_its_destination_too_and_one_without_a_watch_only_the_id()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(version: StompVersion.V10);
        await using var _ = cleanup;
        var watch = client.Watch("/topic/t", new SubscribeOptions { Id = "w-10", Receipt = false }).Subscribe();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        watch.Dispose();
        var ofTheWatch = await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout);
        var unsubscribing = client.UnsubscribeAsync("by-hand", receipt: false);
        var byHand = await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await unsubscribing.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((Shape(ofTheWatch), Shape(byHand)), Is.EqualTo(("id:w-10 destination:/topic/t", "id:by-hand")));
    }

    /// <summary>How <paramref name="frame"/>'s headers read, in order.</summary>
    internal static string Shape(Frame frame) => string.Join(' ', frame.Headers.Select(h => $"{h.Key}:{h.Value}"));

    /// <summary>Subscribes now; the task completes, off the client's threads, with how the watch ended.</summary>
    private static Task<NotificationKind> End(IObservable<StompMessage> watch)
    {
        var (observer, ended) = Ending();
        watch.Subscribe(observer);
        return ended;
    }

    /// <summary>An observer, and a task that completes off the client's threads with how its stream ended.</summary>
    private static (IObserver<StompMessage> Observer, Task<NotificationKind> Ended) Ending()
    {
        var end = new TaskCompletionSource<NotificationKind>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Observer.Create<StompMessage>(_ => { }, _ => end.TrySetResult(NotificationKind.OnError), () => end.TrySetResult(NotificationKind.OnCompleted)), end.Task);
    }
}

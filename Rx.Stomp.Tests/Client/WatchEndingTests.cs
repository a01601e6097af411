using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// A watch that ends with an error without being disposed: one whose subscription id is already in use on the client
/// at once, and one named by an ERROR's <c>subscription</c> header (RabbitMQ's "Server cancelled subscription") with
/// that ERROR, while the other watches go on. Driven by a raw peer.
/// </summary>
public class WatchEndingTests
{
    [Test]
    public async Task A_watch_whose_id_is_in_use_fails_at_once_saying_so_and_the_watch_that_holds_it_goes_on()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var holder = client.Watch("/queue/a", new SubscribeOptions { Id = "taken", Receipt = false }).Subscribe(m => received.TrySetResult(m.GetBodyText()));
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        var refused = await client.Watch("/queue/b", new SubscribeOptions { Id = "taken" }).Materialize().FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(refused.Exception, Is.TypeOf<ArgumentException>()
            .With.Message.StartsWith("Subscription id 'taken' is already in use on this client.")
            .And.Property(nameof(ArgumentException.ParamName)).EqualTo("options"));
        await peer.SendAsync(Message("taken", "still mine"));
        Assert.That(await received.Task.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo("still mine"));
    }

    [Test]
    public async Task An_ERROR_naming_a_subscription_ends_that_watch_with_it_and_the_others_go_on()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var cancelled = client.Watch("/queue/deleted", new SubscribeOptions { Id = "cancelled", Receipt = false }).Materialize().FirstAsync().ToTask();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var kept = client.Watch("/queue/kept", new SubscribeOptions { Id = "kept", Receipt = false }).Subscribe(m => received.TrySetResult(m.GetBodyText()));
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        var failed = client.WatchStates.WhenAsync(s => s.Id == "cancelled" && s.IsFinal);

        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("subscription", "cancelled"), ("message", "Server cancelled subscription"))));

        var end = await cancelled.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(end.Kind, Is.EqualTo(NotificationKind.OnError));
        Assert.That(((StompErrorException)end.Exception!).BrokerMessage, Is.EqualTo("Server cancelled subscription"));
        var state = await failed;
        Assert.That((state.Kind, state.Error), Is.EqualTo((WatchStateKind.Failed, end.Exception)));
        await peer.SendAsync(Message("kept", "after the ERROR"));
        Assert.That(await received.Task.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo("after the ERROR"));
    }

    private static Frame Message(string subscription, string body) =>
        new(StompCommand.Message, StompHeaders.Create(("destination", "/queue/x"), ("message-id", "m-" + body.Length), ("subscription", subscription)), System.Text.Encoding.UTF8.GetBytes(body));
}

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// <see cref="StompClient.WatchStates"/>: each observer gets the live watches as they stand, then every change in the
/// order it happens; a watch is subscribed at its RECEIPT, re-subscribing while the connection is lost, and gone
/// from the live ones once final; the stream completes with the client. Driven by a raw peer that answers (or holds)
/// each RECEIPT.
/// </summary>
public class WatchStatesTests
{
    [Test]
    public async Task An_observer_sees_a_watch_subscribing_then_subscribed_at_its_RECEIPT_then_unsubscribed_once_disposed()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var states = new ReplaySubject<WatchState>();
        using var observing = client.WatchStates.Subscribe(states);

        var watch = client.Watch("/queue/a", new SubscribeOptions { Id = "w" }).Subscribe();
        var subscribe = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(Kinds(states, "w"), Is.EqualTo(new[] { WatchStateKind.Subscribing }), "not subscribed before the RECEIPT");
        await peer.SendReceiptAsync(subscribe);
        await states.WhenAsync(s => s.Kind == WatchStateKind.Subscribed);
        watch.Dispose();
        await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(Rows(await states.TakeAsync(3)), Is.EqualTo(new[]
        {
            ("w", "/queue/a", WatchStateKind.Subscribing),
            ("w", "/queue/a", WatchStateKind.Subscribed),
            ("w", "/queue/a", WatchStateKind.Unsubscribed),
        }));
    }

    [Test]
    public async Task A_watch_without_an_id_is_known_by_the_one_the_client_gave_its_SUBSCRIBE()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var states = new ReplaySubject<WatchState>();
        using var observing = client.WatchStates.Subscribe(states);

        using var watch = client.Watch("/queue/a", new SubscribeOptions { Receipt = false }).Subscribe();
        var id = (await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout)).Headers["id"];

        Assert.That(id, Does.Match("^sub-[0-9]+$"));
        Assert.That((await states.FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout)).Id, Is.EqualTo(id));
    }

    [Test]
    public async Task A_late_observer_gets_the_live_watches_as_they_stand_and_none_that_ended()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var done = client.Watch("/queue/done", new SubscribeOptions { Id = "done", Receipt = false }).Subscribe();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        done.Dispose();
        await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout);
        using var confirmed = client.Watch("/queue/confirmed", new SubscribeOptions { Id = "confirmed" }).Subscribe();
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout));
        await client.WatchStates.WhenAsync(s => s.Id == "confirmed" && s.Kind == WatchStateKind.Subscribed);
        using var waiting = client.Watch("/queue/waiting", new SubscribeOptions { Id = "waiting" }).Subscribe();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        // The current states come inside Subscribe, before it returns.
        var snapshot = new List<WatchState>();
        client.WatchStates.Subscribe(snapshot.Add).Dispose();

        Assert.That(Rows(snapshot), Is.EquivalentTo(new[]
        {
            ("confirmed", "/queue/confirmed", WatchStateKind.Subscribed),
            ("waiting", "/queue/waiting", WatchStateKind.Subscribing),
        }));
    }

    [Test]
    public async Task A_lost_connection_sets_the_subscribed_watches_resubscribing_and_the_next_one_confirms_every_watch_at_its_RECEIPT()
    {
        using var log = new CapturingLoggerFactory();
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(o => o with { Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(10) }, LoggerFactory = log });
        await using var _ = cleanup;
        var states = new ReplaySubject<WatchState>();
        using var observing = client.WatchStates.Subscribe(states);
        using var confirmed = client.Watch("/queue/confirmed", new SubscribeOptions { Id = "confirmed" }).Subscribe();
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout));
        await states.WhenAsync(s => s.Id == "confirmed" && s.Kind == WatchStateKind.Subscribed);
        // Its RECEIPT never comes on this connection.
        using var waiting = client.Watch("/queue/waiting", new SubscribeOptions { Id = "waiting" }).Subscribe();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        peer.CloseClientConnection();
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var again = new[] { await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout), await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout) };
        await states.Where(s => s.Id == "confirmed" && s.Kind == WatchStateKind.Resubscribing).FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(Kinds(states, "confirmed").Count(k => k == WatchStateKind.Subscribed) + Kinds(states, "waiting").Count(k => k == WatchStateKind.Subscribed), Is.EqualTo(1),
            "not subscribed again before the RECEIPTs");
        foreach (var subscribe in again)
        {
            await peer.SendReceiptAsync(subscribe);
        }

        await states.Where(s => s.Kind == WatchStateKind.Subscribed).TakeAsync(3);
        Assert.That(Kinds(states, "confirmed"), Is.EqualTo(new[] { WatchStateKind.Subscribing, WatchStateKind.Subscribed, WatchStateKind.Resubscribing, WatchStateKind.Subscribed }));
        Assert.That(Kinds(states, "waiting"), Is.EqualTo(new[] { WatchStateKind.Subscribing, WatchStateKind.Subscribed }), "never subscribed, so not re-subscribing");
        Assert.That(log.Text, Does.Contain("SUBSCRIBE waiting to /queue/waiting not confirmed"), "the RECEIPT the lost connection took with it is told");
    }

    [Test]
    public async Task Disposing_the_client_ends_every_watch_unsubscribed_and_completes_the_stream()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var states = new ReplaySubject<WatchState>();
        using var observing = client.WatchStates.Subscribe(states);
        var ended = client.Watch("/queue/a", new SubscribeOptions { Id = "w", Receipt = false }).Materialize().LastAsync().ToTask();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        var disposing = client.DisposeAsync().AsTask();
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Disconnect).WaitAsync(StreamWaits.DefaultTimeout));
        await disposing.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((await ended.WaitAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(System.Reactive.NotificationKind.OnCompleted), "the watch completes");
        var seen = await states.ToList().ToTask().WaitAsync(StreamWaits.DefaultTimeout);
        // (The DISCONNECT ends the connection before the watches are ended: the watch may pass through Resubscribing.)
        Assert.That(Rows(seen).Last(), Is.EqualTo(("w", "/queue/a", WatchStateKind.Unsubscribed)), "its last state, and the stream completes after it");
        Assert.That(Rows(seen).Take(2), Is.EqualTo(new[] { ("w", "/queue/a", WatchStateKind.Subscribing), ("w", "/queue/a", WatchStateKind.Subscribed) }));
    }

    private static IEnumerable<(string Id, string Destination, WatchStateKind Kind)> Rows(IEnumerable<WatchState> states) =>
        states.Select(s => (s.Id, s.Destination, s.Kind));

    /// <summary>The kinds <paramref name="id"/> went through so far, in order.</summary>
    private static WatchStateKind[] Kinds(ReplaySubject<WatchState> states, string id)
    {
        var kinds = new List<WatchStateKind>();
        // A replay subject replays what it holds inside Subscribe.
        states.Where(s => s.Id == id).Subscribe(s => kinds.Add(s.Kind)).Dispose();
        return [.. kinds];
    }
}

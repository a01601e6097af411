using System.Reactive.Linq;
using System.Reactive.Subjects;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Listeners;

/// <summary>stomp.py-style listeners, attached by name, driven by a client of the embedded broker.</summary>
public class ListenerTests
{
    /// <summary>Records every callback as one line, in order.</summary>
    private sealed class Journal : IStompListener, IDisposable
    {
        private readonly ReplaySubject<string> _lines = new();

        public void Dispose() => _lines.Dispose();

        public IObservable<string> Lines => _lines;

        public void OnConnecting(StompEndpoint endpoint) => _lines.OnNext("connecting " + endpoint);

        public void OnConnected(Frame connected) => _lines.OnNext("connected " + connected.Headers["version"]);

        public void OnDisconnecting() => _lines.OnNext("disconnecting");

        public void OnDisconnected() => _lines.OnNext("disconnected");

        public void OnHeartbeatTimeout() => _lines.OnNext("heartbeat-timeout");

        public void OnMessage(StompMessage message) => _lines.OnNext("message " + message.GetBodyText());

        public void OnReceipt(Receipt receipt) => _lines.OnNext("receipt");

        public void OnError(StompError fault) => _lines.OnNext("error " + fault.Message);

        public void OnSend(Frame frame) => _lines.OnNext("send " + frame.Command.ToWire());

        public void OnHeartbeat() => _lines.OnNext("heartbeat");

        public void OnReceiverLoopCompleted() => _lines.OnNext("receiver-loop-completed");
    }

    /// <summary>Rewrites bodies to upper case, as stomp.py's on_before_message may.</summary>
    private sealed class Shouting : IStompListener
    {
        public Frame OnBeforeMessage(Frame message) =>
            new(message.Command, message.Headers.Set("shouted", "yes"), System.Text.Encoding.UTF8.GetBytes(message.GetBodyText().ToUpperInvariant()));
    }

    [Test]
    public async Task A_connection_life_calls_the_callbacks_in_stomp_py_order()
    {
        await using var broker = await StompBroker.StartAsync();
        var client = new StompClient(Embedded.Options(broker));
        using var journal = new Journal();
        client.SetListener("journal", journal);

        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var inbox = new ReplaySubject<StompMessage>();
        using (await broker.SubscribedAsync("/queue/l", client.Watch("/queue/l"), inbox))
        {
            await client.SendAsync("/queue/l", "hi", new SendOptions { Receipt = true });
            await inbox.WhenAsync(_ => true);
        }

        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var lines = await journal.Lines.TakeAsync(11);
        await client.DisposeAsync();

        // SUBSCRIBE's receipt may come before or after SEND goes out; the rest is in stomp.py's order.
        Assert.That(lines.Take(3), Is.EqualTo(new[] { "connecting " + broker.Endpoint, "send CONNECT", "connected 1.2" }));
        Assert.That(lines.Skip(3).Take(6), Is.EquivalentTo(new[] { "send SUBSCRIBE", "receipt", "send SEND", "receipt", "message hi", "send UNSUBSCRIBE" }));
        Assert.That(lines.Skip(9), Is.EqualTo(new[] { "disconnecting", "send DISCONNECT" }));
        Assert.That(lines.IndexOf("send SUBSCRIBE"), Is.LessThan(lines.IndexOf("send SEND")));
        Assert.That(lines.IndexOf("send SEND"), Is.LessThan(lines.IndexOf("message hi")));
        Assert.That(await journal.Lines.Skip(11).TakeAsync(3), Is.EqualTo(new[] { "receipt", "disconnected", "receiver-loop-completed" }));
    }

    [Test]
    public async Task The_listener_hears_connected_before_ConnectAsync_returns_so_before_anything_its_caller_sends()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client();
        Task? connecting = null;
        var completedDuringDelivery = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Subscribed before the listener, this observer holds the delivery of CONNECTED: were ConnectAsync to return
        // before the frame is delivered, it would return now, and its caller's SUBSCRIBE would reach the listener
        // first. The window only shows that it does not return (it never can, while CONNECTED is being delivered).
        using var holding = client.Frames.Where(f => f.Command == StompCommand.Connected).Subscribe(_ =>
            completedDuringDelivery.TrySetResult(Task.WhenAny(connecting!).Wait(TimeSpan.FromMilliseconds(500))));
        using var journal = new Journal();
        client.SetListener("journal", journal);

        connecting = client.ConnectAsync();
        await broker.Transport.AcceptAndConnectAsync();
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);
        using var watch = client.Watch("/queue/l", new SubscribeOptions { Receipt = false }).Subscribe(_ => { });

        Assert.That(await completedDuringDelivery.Task.WaitAsync(StreamWaits.DefaultTimeout), Is.False, "ConnectAsync returned while CONNECTED was still being delivered");
        Assert.That(await journal.Lines.TakeAsync(4), Is.EqualTo(new[] { "connecting localhost:61613", "send CONNECT", "connected 1.2", "send SUBSCRIBE" }));
    }

    [Test]
    public async Task An_error_frame_a_lost_connection_and_the_reconnection_reach_the_listener()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        using var journal = new Journal();
        client.SetListener("journal", journal);
        var lines = journal.Lines.TakeAsync(4);

        await first.SendErrorAsync("maintenance");
        first.Close();
        await broker.Transport.AcceptAndConnectAsync();

        Assert.That(await lines, Is.EqualTo(new[] { "error maintenance", "disconnected", "receiver-loop-completed", "connecting localhost:61613" }));
        await journal.Lines.WhenAsync(l => l == "connected 1.2");
    }

    [Test]
    public async Task Heart_beats_and_their_timeout_reach_the_listener()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync(o => o with { Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, TimeSpan.FromSeconds(1)) }, heartbeat: "1000,0");
        using var journal = new Journal();
        client.SetListener("journal", journal);

        await connection.SendHeartbeatAsync();
        await connection.ClientCaughtUpAsync();
        broker.Clock.AdvanceBy(TimeSpan.FromSeconds(2));

        Assert.That(await journal.Lines.TakeAsync(3), Is.EqualTo(new[] { "heartbeat", "heartbeat-timeout", "disconnected" }));
    }

    [Test]
    public async Task Before_message_changes_the_frame_every_watch_and_Messages_see()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        client.SetListener("shout", new Shouting());
        using var journal = new Journal();
        client.SetListener("journal", journal);
        var inbox = new ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/b", client.Watch("/queue/b"), inbox);

        await client.SendAsync("/queue/b", "quiet");

        var message = await inbox.WhenAsync(_ => true);
        Assert.That(message.GetBodyText(), Is.EqualTo("QUIET"));
        Assert.That(message.Headers["shouted"], Is.EqualTo("yes"));
        await journal.Lines.WhenAsync(l => l == "message QUIET");
    }

    [Test]
    public async Task Listeners_are_set_got_replaced_and_removed_by_name()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        using var first = new Journal();
        using var second = new Journal();

        client.SetListener("a", first);
        Assert.That(client.GetListener("a"), Is.SameAs(first));
        client.SetListener("a", second);
        Assert.That(client.GetListener("a"), Is.SameAs(second));
        Assert.That(client.GetListener("b"), Is.Null);

        await client.SendAsync("/queue/x", "1", new SendOptions { Receipt = true });
        // The sender's wait ends at the RECEIPT; the listeners hear it on the reader, which may be a moment later.
        await second.Lines.WhenAsync(l => l == "receipt");
        Assert.That(client.RemoveListener("a"), Is.True);
        Assert.That(client.RemoveListener("a"), Is.False);
        Assert.That(client.GetListener("a"), Is.Null);
        await client.SendAsync("/queue/x", "2", new SendOptions { Receipt = true });

        Assert.That(await second.Lines.TakeAsync(2), Is.EqualTo(new[] { "send SEND", "receipt" }));
        var afterRemoval = new List<string>();
        using (second.Lines.Subscribe(afterRemoval.Add))
        {
            Assert.That(afterRemoval, Has.Count.EqualTo(2), "nothing after RemoveListener");
        }
    }

    [Test]
    public async Task A_listener_that_throws_is_reported_and_the_other_listeners_still_called()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var reported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Observer);
        client.SetListener("bad", new Throwing());
        using var journal = new Journal();
        client.SetListener("journal", journal);

        await client.SendAsync("/queue/x", "1", new SendOptions { Receipt = true });

        Assert.That((await reported).Exception.Message, Is.EqualTo("listener fault"));
        await journal.Lines.WhenAsync(l => l == "receipt");
    }

    [Test]
    public async Task A_listener_whose_before_message_throws_is_reported_and_the_message_is_delivered_unchanged()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var reported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Observer);
        client.SetListener("bad", new ThrowingBeforeMessage());
        var inbox = new ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/c", client.Watch("/queue/c"), inbox);

        await client.SendAsync("/queue/c", "as sent");

        Assert.That((await inbox.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("as sent"));
        Assert.That((await reported).Exception.Message, Is.EqualTo("before-message fault"));
    }

    private sealed class Throwing : IStompListener
    {
        public void OnSend(Frame frame) => throw new InvalidOperationException("listener fault");
    }

    private sealed class ThrowingBeforeMessage : IStompListener
    {
        public Frame OnBeforeMessage(Frame message) => throw new InvalidOperationException("before-message fault");
    }
}

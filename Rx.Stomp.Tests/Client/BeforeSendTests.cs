using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Listeners;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// stomp.py's <c>on_send</c> may change the frame: here <see cref="StompClientOptions.BeforeSend"/> and a listener's
/// <see cref="IStompListener.OnBeforeSend"/> do, just before the connection writes it. Checked at a raw peer, which
/// reads what was written: a header added to every frame, and an interceptor that throws (or changes what it may not)
/// reported on <c>Errors</c> while the frame goes on unchanged.
/// </summary>
public class BeforeSendTests
{
    private static Frame Traced(Frame frame) => new(frame.Command, frame.Headers.Add("trace-id", "7f3a"), frame.Body);

    [TestCase("option")]
    [TestCase("listener")]
    public async Task A_header_added_before_send_is_on_every_frame_the_client_writes(string by)
    {
        var peer = new RawPeer();
        var options = new StompClientOptions { Endpoints = [peer.Endpoint], BeforeSend = by == "option" ? Traced : null };
        var client = new StompClient(options);
        await using var _ = RawPeer.ClosingFirst(peer, client);
        if (by == "listener")
        {
            client.SetListener("trace", new Tracing());
        }

        var sent = new List<Frame>();
        using var recording = client.Sent.Subscribe(sent.Add);
        var written = new List<Frame>();
        var connecting = client.ConnectAsync();
        written.Add(await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout));
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);

        // Resumed on the pool, not on the read loop that delivers it: the test goes on to disconnect.
        var delivered = client.Messages.ObserveOn(TaskPoolScheduler.Default).WhenAsync(_ => true);
        var watch = client.Watch("/queue/a", new SubscribeOptions { Id = "s-1", Ack = AckMode.ClientIndividual, Receipt = false }).Subscribe();
        written.Add(await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout));
        await client.SendAsync("/queue/a", "hello");
        written.Add(await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout));
        await peer.SendAsync(new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/a"), ("message-id", "m-1"), ("subscription", "s-1"), ("ack", "a-1")), "hello"u8.ToArray()));
        var message = await delivered;
        await message.AckAsync();
        written.Add(await peer.ExpectAsync(StompCommand.Ack).WaitAsync(StreamWaits.DefaultTimeout));
        await message.NackAsync();
        written.Add(await peer.ExpectAsync(StompCommand.Nack).WaitAsync(StreamWaits.DefaultTimeout));
        var transaction = await client.BeginTransactionAsync();
        written.Add(await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout));
        await transaction.CommitAsync(receipt: false);
        written.Add(await peer.ExpectAsync(StompCommand.Commit).WaitAsync(StreamWaits.DefaultTimeout));
        watch.Dispose();
        written.Add(await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout));
        var disconnecting = client.DisconnectAsync();
        var disconnect = await peer.ExpectAsync(StompCommand.Disconnect).WaitAsync(StreamWaits.DefaultTimeout);
        written.Add(disconnect);
        await peer.SendReceiptAsync(disconnect);
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(written.Select(f => f.Command), Is.EqualTo(new[]
        {
            StompCommand.Connect, StompCommand.Subscribe, StompCommand.Send, StompCommand.Ack, StompCommand.Nack,
            StompCommand.Begin, StompCommand.Commit, StompCommand.Unsubscribe, StompCommand.Disconnect,
        }));
        Assert.That(written.Select(f => f.Headers["trace-id"]), Is.All.EqualTo("7f3a"), "every frame, as the peer read it");
        Assert.That(sent.Select(f => f.Headers["trace-id"]), Is.All.EqualTo("7f3a"), "Sent shows the frames as written");
        Assert.That(sent, Has.Count.EqualTo(written.Count));
    }

    [Test]
    public async Task An_interceptor_that_throws_is_reported_and_the_frame_goes_on_unchanged()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(o => o with
        {
            BeforeSend = f => f.Command == StompCommand.Send && f.Body.Length == 3 ? throw new InvalidOperationException("interceptor fault") : Traced(f),
        });
        await using var _ = cleanup;
        var reported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Observer);

        await client.SendAsync("/queue/a", "bad");
        var unchanged = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        var next = client.SendAsync("/queue/a", "good", new SendOptions { Receipt = true });
        var traced = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendReceiptAsync(traced);
        await next.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((await reported).Exception.Message, Is.EqualTo("interceptor fault"));
        Assert.That(unchanged.Headers["trace-id"], Is.Null);
        Assert.That(unchanged.GetBodyText(), Is.EqualTo("bad"));
        Assert.That(traced.Headers["trace-id"], Is.EqualTo("7f3a"), "the client goes on, interceptor included");
    }

    [Test]
    public async Task An_interceptor_may_not_change_the_command_nor_the_receipt_the_client_waits_for()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(o => o with
        {
            BeforeSend = f => f.Command != StompCommand.Send ? f
                : f.Headers["receipt"] is not null ? new Frame(f.Command, f.Headers.Remove("receipt"), f.Body)
                : new Frame(StompCommand.Begin, f.Headers),
        });
        await using var _ = cleanup;
        var reported = client.Errors.Where(e => e.Kind == StompErrorKind.Observer).TakeAsync(2);

        await client.SendAsync("/queue/a", "as a BEGIN?");
        Assert.That((await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("as a BEGIN?"));
        var receipted = client.SendAsync("/queue/a", "without its receipt?", new SendOptions { Receipt = true });
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout));
        await receipted.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((await reported).Select(e => e.Exception), Is.All.InstanceOf<InvalidOperationException>());
        Assert.That((await reported).Select(e => e.Exception.Message), Is.All.EqualTo(
            "A frame interceptor may change a frame's headers and body, not its command nor its receipt header; the SEND goes on unchanged."));
    }

    [Test]
    public async Task A_listener_that_throws_costs_only_its_own_change()
    {
        var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint] });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        client.SetListener("bad", new Throwing());
        client.SetListener("trace", new Tracing());
        var reported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Observer);

        var connecting = client.ConnectAsync();
        var connect = await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(connect.Headers["trace-id"], Is.EqualTo("7f3a"));
        Assert.That((await reported).Exception.Message, Is.EqualTo("listener fault"));
        Assert.That(client.RemoveListener("trace"), Is.True);
        await client.SendAsync("/queue/a", "after");
        Assert.That((await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).Headers["trace-id"], Is.Null, "a listener removed changes nothing more");
    }

    private sealed class Tracing : IStompListener
    {
        public Frame OnBeforeSend(Frame frame) => Traced(frame);
    }

    private sealed class Throwing : IStompListener
    {
        public Frame OnBeforeSend(Frame frame) => throw new InvalidOperationException("listener fault");
    }
}

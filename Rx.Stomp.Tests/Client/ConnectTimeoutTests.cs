using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>Nothing waits forever: silent servers and missing receipts end in bounded, virtual time.</summary>
public class ConnectTimeoutTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_server_that_never_answers_CONNECT_times_out_at_the_deadline()
    {
        await using var peer = new RawPeer();
        var scheduler = new TestScheduler();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Scheduler = scheduler, ConnectTimeout = TimeSpan.FromSeconds(5), ConnectRetry = BackoffPolicy.Connect with { MaxAttempts = 1 } });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);

        var connecting = client.ConnectAsync();
        await peer.AcceptAsync().WaitAsync(Guard);
        await peer.ExpectAsync(StompCommand.Connect).WaitAsync(Guard);

        scheduler.AdvanceBy(TimeSpan.FromSeconds(4.9).Ticks);
        Assert.That(connecting.IsCompleted, Is.False, "gave up before the deadline");
        scheduler.AdvanceBy(TimeSpan.FromSeconds(0.1).Ticks);

        var error = Assert.ThrowsAsync<StompTimeoutException>(() => connecting.WaitAsync(Guard));
        Assert.That(error!.Message, Does.Contain("No CONNECTED"));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
    }

    [Test]
    public async Task DISCONNECT_without_a_receipt_closes_after_the_disconnect_timeout()
    {
        await using var peer = new RawPeer();
        var scheduler = new TestScheduler();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Scheduler = scheduler, DisconnectTimeout = TimeSpan.FromSeconds(3) });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);

        var disconnecting = client.DisconnectAsync();
        var disconnect = await peer.ExpectAsync(StompCommand.Disconnect).WaitAsync(Guard);
        Assert.That(disconnect.Headers["receipt"], Is.Not.Null, "DISCONNECT must ask for a receipt");

        scheduler.AdvanceBy(TimeSpan.FromSeconds(2.9).Ticks);
        Assert.That(disconnecting.IsCompleted, Is.False, "closed before the receipt had its time");
        scheduler.AdvanceBy(TimeSpan.FromSeconds(0.1).Ticks);
        await disconnecting.WaitAsync(Guard);

        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
        Assert.That(await peer.ReadFrameAsync().WaitAsync(Guard), Is.Null, "nothing may follow DISCONNECT, and the socket closes");
    }

    [Test]
    public async Task A_receipt_that_never_comes_fails_the_send_at_the_receipt_timeout()
    {
        await using var peer = new RawPeer();
        var scheduler = new TestScheduler();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], Scheduler = scheduler, ReceiptTimeout = TimeSpan.FromSeconds(7) });
        await using var cleanup = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);

        var sending = client.SendAsync("/queue/a", "x", new SendOptions { Receipt = true });
        await peer.ExpectAsync(StompCommand.Send).WaitAsync(Guard);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(7).Ticks);

        Assert.ThrowsAsync<StompTimeoutException>(() => sending.WaitAsync(Guard));
        Assert.That(client.IsConnected, Is.True, "a late receipt is the send's failure, not the connection's");
    }

    [Test]
    public async Task A_refused_CONNECT_surfaces_the_brokers_message_and_never_hangs()
    {
        await using var peer = new RawPeer();
        await using var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint] });
        var connecting = client.ConnectAsync();
        await peer.AcceptAsync().WaitAsync(Guard);
        await peer.ExpectAsync(StompCommand.Connect).WaitAsync(Guard);
        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "Virtual host '127.0.0.1' access denied"))));
        peer.CloseClientConnection();

        var error = Assert.ThrowsAsync<StompErrorException>(() => connecting.WaitAsync(Guard));
        Assert.That(error!.Message, Does.Contain("Virtual host '127.0.0.1' access denied"));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
    }
}

using System.Net;
using System.Net.Sockets;
using System.Reactive.Subjects;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;
using Rx.Stomp.Transport.Multicast;

namespace Rx.Stomp.Tests.Transport;

/// <summary>
/// stomp.py's broker-less multicast mode: StompClients on the loopback interface, each its own peer of a UDP
/// multicast group, with real datagrams between them.
/// </summary>
public class MulticastTransportTests
{
    private static readonly MulticastTransport OnLoopback = new(new MulticastTransportOptions { Interface = IPAddress.Loopback, TimeToLive = 0 });

    /// <summary>A group and a port no other test uses.</summary>
    internal static StompEndpoint NewGroup()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new StompEndpoint("239.255.77.1", ((IPEndPoint)probe.LocalEndPoint!).Port);
    }

    private static async Task<StompClient> JoinAsync(StompEndpoint group)
    {
        var client = new StompClient(new StompClientOptions { Endpoints = [group], Transport = OnLoopback, ReceiptTimeout = StreamWaits.DefaultTimeout });
        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        return client;
    }

    /// <summary>Subscribes and waits for the local RECEIPT that says the subscription is in place.</summary>
    private static async Task<(IDisposable Watch, ReplaySubject<StompMessage> Inbox)> WatchAsync(StompClient client, string destination)
    {
        var inbox = new ReplaySubject<StompMessage>();
        var confirmed = client.Receipts.WhenAsync(_ => true);
        var watch = client.Watch(destination).Subscribe(inbox);
        await confirmed;
        return (watch, inbox);
    }

    [Test]
    public async Task A_send_reaches_the_subscriptions_of_every_peer_of_the_group()
    {
        var group = NewGroup();
        await using var sender = await JoinAsync(group);
        await using var receiver = await JoinAsync(group);
        var (watch, inbox) = await WatchAsync(receiver, "/queue/news");
        var (ownWatch, ownInbox) = await WatchAsync(sender, "/queue/news");
        using var _ = watch;
        using var __ = ownWatch;

        await sender.SendAsync("/queue/news", new byte[] { 1, 0, 2 }, new SendOptions { ContentType = "application/x-bin", Headers = StompHeaders.Create(("k", "v")), Receipt = true });

        var message = await inbox.WhenAsync(_ => true);
        Assert.That(message.Body.ToArray(), Is.EqualTo(new byte[] { 1, 0, 2 }));
        Assert.That(message.Destination, Is.EqualTo("/queue/news"));
        Assert.That(message.ContentType, Is.EqualTo("application/x-bin"));
        Assert.That(message.Headers["k"], Is.EqualTo("v"));
        Assert.That(message.MessageId, Does.StartWith("mcast-"));
        Assert.That(receiver.CurrentState.Server, Is.EqualTo("Rx.Stomp.Multicast/1.0"));
        Assert.That((await ownInbox.WhenAsync(_ => true)).Body.ToArray(), Is.EqualTo(new byte[] { 1, 0, 2 }), "the sender's own subscription gets it too (multicast loopback), as in stomp.py");
    }

    [Test]
    public async Task Only_subscribed_destinations_are_delivered_and_acks_are_accepted()
    {
        var group = NewGroup();
        await using var sender = await JoinAsync(group);
        await using var receiver = await JoinAsync(group);
        var (watch, inbox) = await WatchAsync(receiver, "/queue/wanted");
        using var _ = watch;

        await sender.SendAsync("/queue/unwanted", "no");
        await sender.SendAsync("/queue/wanted", "yes");

        var message = await inbox.WhenAsync(_ => true);
        Assert.That(message.GetBodyText(), Is.EqualTo("yes"), "datagrams arrive in order on loopback, so 'no' would have come first");
        await message.AckAsync(receipt: true).WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task A_transaction_sends_nothing_until_commit_and_nothing_at_all_when_aborted()
    {
        var group = NewGroup();
        await using var sender = await JoinAsync(group);
        await using var receiver = await JoinAsync(group);
        var (watch, inbox) = await WatchAsync(receiver, "/queue/tx");
        using var _ = watch;

        await using (var aborted = await sender.BeginTransactionAsync(receipt: true))
        {
            await aborted.SendAsync("/queue/tx", "aborted");
            await aborted.AbortAsync();
        }

        await using (var committed = await sender.BeginTransactionAsync(receipt: true))
        {
            await committed.SendAsync("/queue/tx", "one");
            await committed.SendAsync("/queue/tx", "two");
            await committed.CommitAsync();
        }

        Assert.That((await inbox.TakeAsync(2)).Select(m => m.GetBodyText()), Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public async Task A_send_too_large_for_a_datagram_fails_with_the_brokers_error_and_the_client_goes_on()
    {
        var group = NewGroup();
        await using var sender = await JoinAsync(group);
        await using var receiver = await JoinAsync(group);
        var (watch, inbox) = await WatchAsync(receiver, "/queue/big");
        using var _ = watch;

        var error = Assert.ThrowsAsync<StompErrorException>(() => sender.SendAsync("/queue/big", new byte[70_000], new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout))!;
        Assert.That(error.Message, Does.Contain("datagram"));

        await sender.SendAsync("/queue/big", "small", new SendOptions { Receipt = true });
        Assert.That((await inbox.WhenAsync(_ => true)).GetBodyText(), Is.EqualTo("small"));
    }

    [Test]
    public void An_endpoint_that_is_not_a_multicast_group_is_refused_clearly()
    {
        var error = Assert.ThrowsAsync<StompConnectionException>(async () => await OnLoopback.ConnectAsync(new StompEndpoint("127.0.0.1", 5000), CancellationToken.None))!;

        Assert.That(error.Message, Does.Contain("multicast"));
    }

    [Test]
    public async Task Disconnect_is_confirmed_and_leaves_the_group()
    {
        var group = NewGroup();
        var client = await JoinAsync(group);

        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
        await client.DisposeAsync();
    }
}

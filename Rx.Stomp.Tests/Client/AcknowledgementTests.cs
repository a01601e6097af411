using System.Reactive.Linq;
using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>ACK and NACK carry exactly the headers each version asks for, and go out on the connection that delivered.</summary>
public class AcknowledgementTests
{
    private static readonly Frame Message = new(StompCommand.Message, StompHeaders.Create(
        ("destination", "/queue/a"), ("message-id", "m-7"), ("subscription", "sub-1"), ("ack", "ack-9")));

    [TestCase(StompVersion.V10, "message-id:m-7")]
    [TestCase(StompVersion.V11, "message-id:m-7 subscription:sub-1")]
    [TestCase(StompVersion.V12, "id:ack-9")]
    public async Task ACK_names_the_message_as_its_version_says(StompVersion version, string expected)
    {
        var (peer, message, cleanup) = await DeliverAsync(version);
        await using var _ = cleanup;

        await message.AckAsync();
        var ack = await peer.ExpectAsync(StompCommand.Ack).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(string.Join(' ', ack.Headers.Select(h => $"{h.Key}:{h.Value}")), Is.EqualTo(expected));
    }

    [TestCase(StompVersion.V11, "message-id:m-7 subscription:sub-1 requeue:false")]
    [TestCase(StompVersion.V12, "id:ack-9 requeue:false")]
    public async Task NACK_names_the_message_the_same_way_and_passes_extra_headers(StompVersion version, string expected)
    {
        var (peer, message, cleanup) = await DeliverAsync(version);
        await using var _ = cleanup;

        await message.NackAsync(headers: StompHeaders.Create(("requeue", "false")));
        var nack = await peer.ExpectAsync(StompCommand.Nack).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(string.Join(' ', nack.Headers.Select(h => $"{h.Key}:{h.Value}")), Is.EqualTo(expected));
    }

    [TestCase(StompVersion.V10, StompCommand.Ack, "m-7", "message-id:m-7 x-trace:7")]
    [TestCase(StompVersion.V11, StompCommand.Ack, "m-7", "message-id:m-7 subscription:sub-1 x-trace:7")]
    [TestCase(StompVersion.V12, StompCommand.Ack, "ack-9", "id:ack-9 x-trace:7")]
    [TestCase(StompVersion.V11, StompCommand.Nack, "m-7", "message-id:m-7 subscription:sub-1 x-trace:7")]
    [TestCase(StompVersion.V12, StompCommand.Nack, "ack-9", "id:ack-9 x-trace:7")]
    public async Task ACK_and_NACK_by_a_stored_id_name_it_as_the_version_says_with_extra_headers(StompVersion version, StompCommand command, string id, string expected)
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(version: version);
        await using var _ = cleanup;
        StompHeaders extra = [new("x-trace", "7")];

        await (command == StompCommand.Ack
            ? client.AckAsync(id, subscription: "sub-1", headers: extra)
            : client.NackAsync(id, subscription: "sub-1", headers: extra));
        var frame = await peer.ExpectAsync(command).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(UnsubscribeTests.Shape(frame), Is.EqualTo(expected));
    }

    [Test]
    public async Task An_ACK_by_id_in_a_transaction_names_it_and_a_receipt_is_awaited()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(version: StompVersion.V12);
        await using var _ = cleanup;
        var beginning = client.BeginTransactionAsync(new TransactionOptions { Id = "tx-mine" });
        await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);
        var transaction = await beginning.WaitAsync(StreamWaits.DefaultTimeout);

        var acking = client.AckAsync("ack-9", transaction: transaction, receipt: true);
        var ack = await peer.ExpectAsync(StompCommand.Ack).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(UnsubscribeTests.Shape(ack), Is.EqualTo("id:ack-9 transaction:tx-mine receipt:" + ack.Headers["receipt"]));
        Assert.That(acking.IsCompleted, Is.False, "not before the RECEIPT");
        await peer.SendReceiptAsync(ack);
        await acking.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task An_ACK_by_id_needs_a_connection_and_on_STOMP_1_1_a_subscription()
    {
        await using (var offline = new StompClient(new StompClientOptions { Endpoints = [new("127.0.0.1", 9)] }))
        {
            Assert.ThrowsAsync<StompConnectionException>(() => offline.AckAsync("m-7"));
        }

        var (_, client, cleanup) = await RawPeer.ConnectedAsync(version: StompVersion.V11);
        await using var _ = cleanup;
        Assert.That(Assert.ThrowsAsync<ArgumentException>(() => client.AckAsync("m-7")), Has.Property(nameof(ArgumentException.ParamName)).EqualTo("subscription")
            .And.Message.StartsWith("STOMP 1.1 names a message by message-id and subscription: give the subscription."));
    }

    [TestCase(StompVersion.V12, "id:m-7")]
    [TestCase(StompVersion.V11, "message-id:m-7 subscription:")]
    public async Task ACK_of_a_MESSAGE_without_the_header_its_version_names_it_by_falls_back(StompVersion version, string expected)
    {
        var (peer, message, cleanup) = await DeliverAsync(version, new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/a"), ("message-id", "m-7"))));
        await using var _ = cleanup;

        await message.AckAsync();
        var ack = await peer.ExpectAsync(StompCommand.Ack).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(UnsubscribeTests.Shape(ack), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_MESSAGE_without_a_message_id_cannot_be_acknowledged()
    {
        var (_, message, cleanup) = await DeliverAsync(StompVersion.V12, new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/a"), ("ack", "ack-9"))));
        await using var _ = cleanup;

        Assert.That(Assert.ThrowsAsync<StompProtocolException>(() => message.AckAsync())!.Message, Is.EqualTo("The MESSAGE has no message-id to acknowledge."));
    }

    [TestCase(StompCommand.Ack, "acknowledged")]
    [TestCase(StompCommand.Nack, "refused")]
    public async Task A_message_whose_connection_is_gone_can_be_neither_acknowledged_nor_refused_on_the_next(StompCommand command, string verb)
    {
        var (peer, message, cleanup) = await DeliverAsync(StompVersion.V12, configure: QuickReconnect);
        await using var _ = cleanup;
        await ReconnectAsync(peer, message.Client);

        var gone = Assert.ThrowsAsync<StompConnectionException>(() => command == StompCommand.Ack ? message.AckAsync() : message.NackAsync());

        Assert.That(gone!.Message, Is.EqualTo($"Message m-7 was delivered by a connection that is gone; it cannot be {verb} on another, and the broker will redeliver it."));
        await NothingBeforeAsync(peer, message.Client);
    }

    [TestCase(StompCommand.Ack, "acknowledged")]
    [TestCase(StompCommand.Nack, "refused")]
    public async Task An_ACK_by_id_in_a_transaction_whose_connection_is_gone_fails_and_never_goes_out_on_the_next(StompCommand command, string verb)
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(QuickReconnect);
        await using var _ = cleanup;
        var beginning = client.BeginTransactionAsync(new TransactionOptions { Id = "tx-old" });
        await peer.ExpectAsync(StompCommand.Begin).WaitAsync(StreamWaits.DefaultTimeout);
        var transaction = await beginning.WaitAsync(StreamWaits.DefaultTimeout);
        await ReconnectAsync(peer, client);

        var gone = Assert.ThrowsAsync<StompConnectionException>(() => command == StompCommand.Ack
            ? client.AckAsync("ack-9", transaction: transaction)
            : client.NackAsync("ack-9", transaction: transaction));

        Assert.That(gone!.Message, Is.EqualTo($"Message ack-9 cannot be {verb}: the connection is gone."));
        await NothingBeforeAsync(peer, client);
    }

    private static StompClientOptions QuickReconnect(StompClientOptions options) =>
        options with { Reconnect = new Rx.Stomp.Reactive.BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(10) } };

    /// <summary>Drops the client's connection and lets it connect again.</summary>
    private static async Task ReconnectAsync(RawPeer peer, StompClient client)
    {
        var reconnected = client.State.Skip(1).WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        peer.CloseClientConnection();
        await peer.AcceptAndConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await reconnected;
    }

    /// <summary>A SEND made now is the next frame the peer reads: nothing went out before it.</summary>
    private static async Task NothingBeforeAsync(RawPeer peer, StompClient client)
    {
        await client.SendAsync("/queue/after", "after");
        Assert.That((await peer.ReadFrameAsync().WaitAsync(StreamWaits.DefaultTimeout))?.GetBodyText(), Is.EqualTo("after"), "nothing before it on the next connection");
    }

    [Test]
    public async Task ACK_of_a_message_passes_extra_headers()
    {
        var (peer, message, cleanup) = await DeliverAsync(StompVersion.V12);
        await using var _ = cleanup;

        await message.AckAsync(headers: [new("x-trace", "7")]);
        var ack = await peer.ExpectAsync(StompCommand.Ack).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(UnsubscribeTests.Shape(ack), Is.EqualTo("id:ack-9 x-trace:7"));
    }

    [Test]
    public async Task STOMP_1_0_has_no_NACK()
    {
        var (_, message, cleanup) = await DeliverAsync(StompVersion.V10);
        await using var _ = cleanup;

        Assert.That(Assert.ThrowsAsync<NotSupportedException>(() => message.NackAsync())!.Message, Is.EqualTo("STOMP 1.0 has no NACK."));
    }

    private static async Task<(RawPeer Peer, StompMessage Message, IAsyncDisposable Cleanup)> DeliverAsync(
        StompVersion version, Frame? message = null, Func<StompClientOptions, StompClientOptions>? configure = null)
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(configure, version);
        var delivered = client.Messages.WhenAsync(_ => true);
        await peer.SendAsync(message ?? Message, version);
        return (peer, await delivered, cleanup);
    }
}

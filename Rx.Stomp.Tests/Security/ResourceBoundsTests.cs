using System.Text;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Security;

/// <summary>
/// What a broker that never answers, or a subscriber that never keeps up, can make the client hold: bounded
/// pending receipts, and for a slow subscriber nothing beyond the read buffers, since delivery runs on the read
/// loop and a blocked subscriber stops the reading (TCP pushes back on the broker).
/// </summary>
public class ResourceBoundsTests
{
    [Test]
    public async Task Beyond_MaxPendingReceipts_a_send_asking_for_a_receipt_fails_at_once_and_a_RECEIPT_makes_room()
    {
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], MaxPendingReceipts = 3 });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        var pending = Enumerable.Range(1, 3).Select(i => client.SendAsync("/queue/q", $"{i}", new SendOptions { Receipt = true })).ToList();
        var first = await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync("/queue/q", "4", new SendOptions { Receipt = true }));
        Assert.That(error!.Message, Does.Contain("MaxPendingReceipts is 3"));

        await peer.SendReceiptAsync(first);
        await pending[0].WaitAsync(StreamWaits.DefaultTimeout);
        var fourth = client.SendAsync("/queue/q", "4", new SendOptions { Receipt = true });
        Assert.That(fourth.IsFaulted, Is.False);
    }

    [Test]
    public async Task A_blocked_subscriber_stops_the_reading_so_the_broker_cannot_fill_the_clients_memory_and_nothing_is_lost()
    {
        const int count = 200;
        var body = new string('m', 256 * 1024);
        var frame = Encoding.ASCII.GetBytes($"MESSAGE\ndestination:/queue/q\nsubscription:s\nmessage-id:m\ncontent-length:{body.Length}\n\n{body}\0");
        long total = (long)count * frame.Length;
        await using var peer = new RawPeer();
        var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint] });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        await peer.ConnectAsync(client);
        using var gate = new ManualResetEventSlim();
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = client.Messages.Subscribe(_ =>
        {
            gate.Wait(StreamWaits.DefaultTimeout);
            if (Interlocked.Increment(ref received) == count)
            {
                all.TrySetResult();
            }
        });
        long sent = 0;
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await peer.SendRawAsync(frame);
                Interlocked.Add(ref sent, frame.Length);
            }
        });

        // Nothing can be awaited for "the sender is stuck": give it time to push what it can, then look.
        await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(2)));
        var stuckAt = Interlocked.Read(ref sent);
        await TestContext.Out.WriteLineAsync($"slow subscriber: the broker got {stuckAt:N0} of {total:N0} bytes out while the subscriber was blocked");
        Assert.Multiple(() =>
        {
            Assert.That(sending.IsCompleted, Is.False, "the sender is held back");
            Assert.That(stuckAt, Is.LessThan(16L * 1024 * 1024), "bytes the client and the socket buffers took in");
        });

        gate.Set();
        await all.Task.WaitAsync(StreamWaits.DefaultTimeout);
        await sending.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(received, Is.EqualTo(count));
    }
}

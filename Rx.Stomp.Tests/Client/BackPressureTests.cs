using System.Buffers;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The back-pressure policy: messages are delivered on the read loop, so a subscriber that does not return stops the
/// reading, and TCP flow control stops the broker. The client buffers no more than a bounded amount meanwhile.
/// </summary>
public class BackPressureTests
{
    private const int BodySize = 64 * 1024;

    /// <summary>Far more than the socket buffers and the client's read buffer can hold together.</summary>
    private const long Offered = 256L * 1024 * 1024;

    /// <summary>Loopback socket buffers (both ends, autotuned) plus the client's 64 KiB read buffer stay well under this.</summary>
    private const long Bound = 48L * 1024 * 1024;

    [Test]
    public async Task A_blocked_subscriber_stops_the_reading_and_the_broker_stalls_within_a_bound_then_everything_arrives()
    {
        await using var peer = new RawPeer();
        await using var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint] });
        await peer.ConnectAsync(client);

        using var gate = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = 0L;
        var last = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = client.Watch("/queue/slow", new SubscribeOptions { Id = "s" }).Subscribe(m =>
        {
            if (m.Body.Length == 0)
            {
                last.TrySetResult(delivered);
                return;
            }

            if (Interlocked.Increment(ref delivered) == 1)
            {
                blocked.TrySetResult();
                gate.Wait(StreamWaits.DefaultTimeout);
            }
        });
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        var frame = Encode(new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/slow"), ("message-id", "m"), ("subscription", "s")), new byte[BodySize]));
        await peer.WriteRawAsync(frame).WaitAsync(StreamWaits.DefaultTimeout);
        await blocked.Task.WaitAsync(StreamWaits.DefaultTimeout);

        // The subscriber now blocks the read loop: write until a write cannot complete, which is the stall.
        long written = frame.Length;
        Task pending = Task.CompletedTask;
        var frames = 1L;
        while (written < Offered)
        {
            pending = peer.WriteRawAsync(frame);
            // A window only to show that the write does not complete: nothing can be awaited for "the sender is stuck".
            if (await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(2))) != pending)
            {
                break;
            }

            written += frame.Length;
            frames++;
        }

        Assert.That(pending.IsCompleted, Is.False, $"the peer wrote all {written:N0} bytes while the subscriber was blocked: the client buffered them");
        Assert.That(written, Is.LessThan(Bound), "the broker could write more than the socket buffers hold before it stalled");

        gate.Set();
        await pending.WaitAsync(StreamWaits.DefaultTimeout);
        await peer.WriteRawAsync(Encode(new Frame(StompCommand.Message, StompHeaders.Create(("destination", "/queue/slow"), ("message-id", "end"), ("subscription", "s")))));
        Assert.That(await last.Task.WaitAsync(StreamWaits.DefaultTimeout), Is.EqualTo(frames + 1), "every message written is delivered, in order, once the subscriber returns");
    }

    private static byte[] Encode(Frame frame)
    {
        var output = new ArrayBufferWriter<byte>();
        new FrameWriter(StompVersion.V12).Write(output, frame);
        return output.WrittenSpan.ToArray();
    }
}

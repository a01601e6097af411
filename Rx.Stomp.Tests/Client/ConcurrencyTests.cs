using System.Collections.Concurrent;
using System.Globalization;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// SendAsync, AckAsync, Watch/Dispose and DisconnectAsync called from many threads at once: the peer reads every
/// frame whole, each caller's frames in the order it made the calls, every call that succeeded on the wire and none
/// that failed, nothing after DISCONNECT, and exactly one DISCONNECT however many callers asked for it.
/// </summary>
public class ConcurrencyTests
{
    private const int Callers = 16;
    private const int Steps = 200;

    /// <summary>One caller's part, as it happened on its side: what it called, in order, and what failed.</summary>
    private sealed class Caller(int index)
    {
        public int Index { get; } = index;

        /// <summary>The frames it asked for, in call order, each named as the peer will see it; a failed call's name too.</summary>
        public ConcurrentQueue<(string Frame, Task Call)> Calls { get; } = new();

        public List<StompMessage> ToAck { get; } = [];
    }

    [Test]
    public async Task Frames_from_many_threads_arrive_whole_in_each_callers_order_and_nothing_follows_DISCONNECT()
    {
        await using var peer = new RawPeer();
        await using var client = new StompClient(new StompClientOptions { Endpoints = [peer.Endpoint], DisconnectTimeout = StreamWaits.DefaultTimeout });
        await peer.ConnectAsync(client);

        // Messages to acknowledge, ten per caller, delivered before the storm.
        var callers = Enumerable.Range(0, Callers).Select(i => new Caller(i)).ToArray();
        var delivered = new ConcurrentQueue<StompMessage>();
        using var inbox = client.Watch("/queue/in", new SubscribeOptions { Ack = AckMode.ClientIndividual, Receipt = false, Id = "in" }).Subscribe(delivered.Enqueue);
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);
        var all = client.Messages.TakeAsync(Callers * 10);
        foreach (var caller in callers)
        {
            for (var n = 0; n < 10; n++)
            {
                await peer.SendAsync(new Frame(StompCommand.Message, StompHeaders.Create(
                    ("destination", "/queue/in"), ("subscription", "in"), ("message-id", $"m-{caller.Index}-{n}"), ("ack", $"a-{caller.Index}-{n}"))));
            }
        }

        foreach (var message in await all)
        {
            callers[int.Parse(message.Ack!.Split('-')[1], CultureInfo.InvariantCulture)].ToAck.Add(message);
        }

        // The peer reads until DISCONNECT, confirms it, then reads on until the client closes: nothing may come after.
        var reading = Task.Run(async () =>
        {
            var frames = new List<Frame>();
            while (await peer.ReadFrameAsync() is { } frame)
            {
                frames.Add(frame);
                if (frame.Command == StompCommand.Disconnect)
                {
                    await peer.SendReceiptAsync(frame);
                }
            }

            return frames;
        });

        // Each caller on a thread of its own, all released at once by the barrier; four more threads disconnect at once
        // when every caller is halfway through.
        using var start = new Barrier(Callers);
        using var halfway = new CountdownEvent(Callers);
        var storm = callers.Select(caller => OnOwnThread(() => Storm(client, caller, start, halfway))).ToList();
        var disconnects = Enumerable.Range(0, 4).Select(_ => OnOwnThread(async () =>
        {
            halfway.Wait(StreamWaits.DefaultTimeout);
            await client.DisconnectAsync();
        })).ToList();
        await Task.WhenAll(storm.Concat(disconnects)).WaitAsync(StreamWaits.DefaultTimeout);
        var frames = await reading.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(frames.Count(f => f.Command == StompCommand.Disconnect), Is.EqualTo(1), "one DISCONNECT however many callers asked");
        Assert.That(frames[^1].Command, Is.EqualTo(StompCommand.Disconnect), "nothing after DISCONNECT");
        var subscribedAt = frames.Select((f, i) => (f, i)).Where(x => x.f.Command == StompCommand.Subscribe).ToDictionary(x => x.f.Headers["id"]!, x => x.i);
        var unsubscribes = frames.Select((f, i) => (f, i)).Where(x => x.f.Command == StompCommand.Unsubscribe).ToList();
        Assert.That(unsubscribes.Where(x => !subscribedAt.TryGetValue(x.f.Headers["id"]!, out var at) || at > x.i), Is.Empty,
            "every UNSUBSCRIBE follows the SUBSCRIBE it undoes");
        var wire = frames.Select(Name).Where(name => name is not null).ToList();
        foreach (var caller in callers)
        {
            var prefix = $"c{caller.Index}:";
            var succeeded = caller.Calls.Where(c => c.Call.IsCompletedSuccessfully).Select(c => c.Frame).ToList();
            var failed = caller.Calls.Where(c => !c.Call.IsCompletedSuccessfully).ToList();
            Assert.That(wire.Where(name => name!.StartsWith(prefix, StringComparison.Ordinal)), Is.EqualTo(succeeded),
                $"caller {caller.Index}: every frame whose call succeeded, in call order, and no other");
            Assert.That(failed.Select(f => f.Call.Exception?.InnerException), Is.All.InstanceOf<StompConnectionException>(),
                "a call refused because the client is disconnecting fails with a typed error");
        }

        TestContext.Out.WriteLine($"{frames.Count} frames read ({unsubscribes.Count} UNSUBSCRIBEs); {callers.Sum(c => c.Calls.Count(x => !x.Call.IsCompletedSuccessfully))} calls refused after DISCONNECT");
    }

    private static Task OnOwnThread(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    /// <summary>
    /// One caller's storm (it signals <paramref name="halfway"/> at half its steps): sends (not awaited one by one: their order is the call order), an ACK every tenth step, a
    /// watch subscribed and disposed every twentieth; a call refused at once is recorded as failed.
    /// </summary>
    private static async Task Storm(StompClient client, Caller caller, Barrier start, CountdownEvent halfway)
    {
        start.SignalAndWait();
        for (var n = 0; n < Steps; n++)
        {
            if (n == Steps / 2)
            {
                halfway.Signal();
            }

            Record(caller, $"c{caller.Index}:send:{n}", () => client.SendAsync($"/queue/c{caller.Index}", n.ToString(CultureInfo.InvariantCulture)));
            if (n % 10 == 5)
            {
                var message = caller.ToAck[n / 20];
                Record(caller, $"c{caller.Index}:ack:{message.Ack}", () => message.AckAsync());
            }

            if (n % 20 == 0)
            {
                var id = $"c{caller.Index}-w{n}";
                using var watch = client.Watch($"/topic/{id}", new SubscribeOptions { Id = id, Receipt = false }).Subscribe(_ => { });
            }

            if (n % 50 == 0)
            {
                await Task.Yield();
            }
        }

        await Task.WhenAll(caller.Calls.Select(c => c.Call).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private static void Record(Caller caller, string frame, Func<Task> call)
    {
        Task task;
        try
        {
            task = call();
        }
        catch (StompException e)
        {
            task = Task.FromException(e);
        }

        caller.Calls.Enqueue((frame, task));
    }

    /// <summary>The name of a SEND or ACK as its caller recorded it; null for other frames (SUBSCRIBE pairs are checked apart).</summary>
    private static string? Name(Frame frame) => frame.Command switch
    {
        StompCommand.Send => $"{frame.Headers["destination"]![7..]}:send:{frame.GetBodyText()}",
        StompCommand.Ack => $"c{frame.Headers["id"]!.Split('-')[1]}:ack:{frame.Headers["id"]}",
        _ => null,
    };
}

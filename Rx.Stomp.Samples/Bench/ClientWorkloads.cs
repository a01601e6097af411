using System.Diagnostics;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// The three workloads of the shared bench (publish, consume, rtt) through a full <see cref="StompClient"/>: sends
/// with <c>SendAsync</c>, parsed <see cref="StompMessage"/>s delivered to an Rx subscriber. Each runs on a
/// connection of its own, opened before the clock starts and closed after it stops, and gets
/// <paramref name="timeout"/> in all, connecting and closing included.
/// </summary>
internal sealed class ClientWorkloads(StompClientOptions options, bool nullPeer, TimeSpan timeout)
{
    private static readonly SendOptions Receipted = new() { Receipt = true };
    private static readonly byte[] EndBody = "end"u8.ToArray();

    /// <summary>N SENDs of a <paramref name="size"/>-byte body, then one with a receipt; timed to the RECEIPT.</summary>
    public Task<Figures> PublishAsync(string queue, long count, int size, CancellationToken cancellationToken)
    {
        var body = Body(size);
        return RunAsync("publish", async (client, ct) =>
        {
            var meter = Meter.Start();
            for (long i = 0; i < count; i++)
            {
                await client.SendAsync(queue, body, cancellationToken: ct);
            }

            // The trailing message is consumed too (see ConsumeAsync), as the raw client does.
            await client.SendAsync(queue, EndBody, Receipted, ct);
            return meter.Stop(count);
        }, cancellationToken);
    }

    /// <summary>
    /// N MESSAGEs: from the null peer's <c>/source/N/B</c>, or else from <paramref name="queue"/>, filled by
    /// <see cref="PublishAsync"/> (then its trailing message is taken too, untimed). Timed from SUBSCRIBE to the Nth.
    /// </summary>
    public Task<Figures> ConsumeAsync(string queue, long count, int size, CancellationToken cancellationToken)
    {
        var source = nullPeer ? $"/source/{count}/{size}" : queue;
        var expected = nullPeer ? count : count + 1;
        return RunAsync("consume", async (client, ct) =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Figures? figures = null;
            long seen = 0;
            var meter = Meter.Start();
            using (client.Watch(source).Subscribe(_ =>
            {
                if (++seen == count)
                {
                    figures = meter.Stop(count);
                }

                if (seen == expected)
                {
                    done.TrySetResult();
                }
            }))
            {
                await done.Task.WaitAsync(ct);
            }

            return figures!;
        }, cancellationToken);
    }

    /// <summary><paramref name="trips"/> request/reply round trips, one in flight, after a warm-up; p50 and p99.</summary>
    public Task<Figures> RoundTripsAsync(string queue, int trips, CancellationToken cancellationToken) =>
        RunAsync("rtt", async (client, ct) =>
        {
            var destination = queue + "-rtt";
            var ping = "ping"u8.ToArray();
            TaskCompletionSource? reply = null;
            using var subscription = client.Watch(destination).Subscribe(_ => Volatile.Read(ref reply)?.TrySetResult());

            // The warm-up also waits out the SUBSCRIBE: the broker handles frames in order, so once a reply comes back
            // the subscription is in place.
            async Task<long> RoundTripAsync()
            {
                // Completed on the read loop, inline: the reply is seen without a thread hop, as a user's handler sees it.
                var answer = new TaskCompletionSource();
                Volatile.Write(ref reply, answer);
                var started = Stopwatch.GetTimestamp();
                await client.SendAsync(destination, ping, cancellationToken: ct);
                await answer.Task.WaitAsync(ct);
                return Stopwatch.GetTimestamp() - started;
            }

            for (var i = 0; i < Math.Min(trips, 200); i++)
            {
                await RoundTripAsync();
            }

            var latencies = new double[trips];
            var meter = Meter.Start();
            for (var i = 0; i < trips; i++)
            {
                latencies[i] = (await RoundTripAsync()) * 1e6 / Stopwatch.Frequency;
            }

            Array.Sort(latencies);
            return meter.Stop(trips, latencies[trips / 2], latencies[(int)(trips * 0.99)]);
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a client of its own, within the timeout from connecting to closing.</summary>
    /// <exception cref="StompTimeoutException">The timeout passed.</exception>
    private async Task<Figures> RunAsync(string workload, Func<StompClient, CancellationToken, Task<Figures>> work, CancellationToken cancellationToken)
    {
        using var deadline = new RunDeadline(timeout, cancellationToken);
        var client = new StompClient(options);
        try
        {
            await client.ConnectAsync(deadline.Token);
            return await work(client, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            throw new StompTimeoutException($"The {workload} workload did not end within {timeout.TotalSeconds:0.###} s ({client.CurrentState}).");
        }
        finally
        {
            await deadline.CloseAsync(client);
        }
    }

    private static byte[] Body(int size)
    {
        var body = new byte[size];
        body.AsSpan().Fill((byte)'x');
        return body;
    }
}

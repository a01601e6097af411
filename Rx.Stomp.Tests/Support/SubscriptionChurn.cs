using System.Collections.Concurrent;
using System.Globalization;
using Rx.Stomp.Client;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// Many watches subscribed and disposed from many threads at once while messages flow: a third are disposed the
/// moment they are subscribed (their SUBSCRIBE may still be on its way), a third once their first message arrived,
/// and the rest all together at the end. Each watch has an id of its own that names the run, so a broker's list of
/// consumers can be searched for what this run left behind.
/// </summary>
internal sealed class SubscriptionChurn
{
    private readonly ConcurrentBag<IDisposable> _live = [];
    private int _received;

    /// <param name="run">Names the run in every subscription id.</param>
    /// <param name="topics">The destinations the watches are spread over.</param>
    public SubscriptionChurn(string run, IReadOnlyList<string> topics)
    {
        Run = run;
        Topics = topics;
    }

    /// <summary>Part of every subscription id of this run.</summary>
    public string Run { get; }

    /// <summary>The destinations the watches are spread over (and the flood sends to).</summary>
    public IReadOnlyList<string> Topics { get; }

    /// <summary>Messages the watches received.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Watches kept for the end, not disposed yet.</summary>
    public int Live => _live.Count;

    /// <summary>
    /// Subscribes <paramref name="watches"/> watches on <paramref name="client"/>, numbered from
    /// <paramref name="first"/>, 16 at a time, disposing two thirds of them on the way; the rest stay live.
    /// </summary>
    public Task SubscribeAsync(StompClient client, int first, int watches) =>
        Parallel.ForEachAsync(Enumerable.Range(first, watches), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellation) =>
        {
            var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // A watch that ends (its client disposed) counts as arrived too: there is nothing more to wait for.
            var watch = client.Watch(Topics[i % Topics.Count], new SubscribeOptions { Id = $"{Run}-{i}" }).Subscribe(
                _ =>
                {
                    Interlocked.Increment(ref _received);
                    arrived.TrySetResult();
                },
                _ => arrived.TrySetResult(),
                () => arrived.TrySetResult());
            switch (i % 3)
            {
                case 0:
                    watch.Dispose();
                    break;
                case 1:
                    await arrived.Task.WaitAsync(StreamWaits.DefaultTimeout, cancellation).ConfigureAwait(false);
                    watch.Dispose();
                    break;
                default:
                    _live.Add(watch);
                    break;
            }
        });

    /// <summary>Disposes every live watch, from many threads at once.</summary>
    public void DisposeAll()
    {
        var all = new List<IDisposable>();
        while (_live.TryTake(out var watch))
        {
            all.Add(watch);
        }

        Parallel.ForEach(all, new ParallelOptions { MaxDegreeOfParallelism = 16 }, watch => watch.Dispose());
    }

    /// <summary>Sends to the topics in turn, each with a receipt (which paces it), until <paramref name="stop"/>; faults are ridden out.</summary>
    public async Task FloodAsync(StompClient producer, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                await producer.SendAsync(Topics[n % Topics.Count], n.ToString(CultureInfo.InvariantCulture), new SendOptions { Receipt = true }, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StompException or OperationCanceledException)
            {
                // A connection lost under a fault, or the end of the flood.
            }
        }
    }

    /// <summary>How many consumers with this run's ids RabbitMQ lists (its consumer tags are <c>T_</c> + subscription id).</summary>
    public async Task<int> RabbitMqConsumersAsync()
    {
        var listed = await RabbitMqCtl.RunAsync("list_consumers", "-q", "consumer_tag").ConfigureAwait(false);
        return listed.Split('\n').Count(line => line.Contains(Run, StringComparison.Ordinal));
    }

    /// <summary>After a churn the consumer still subscribes and receives (a queue keeps the message until the SUBSCRIBE is in).</summary>
    public static async Task AssertUsableAsync(StompClient producer, StompClient consumer, string queue)
    {
        var arrived = new TaskCompletionSource<StompMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = consumer.Watch(queue).Subscribe(m => arrived.TrySetResult(m));
        await producer.SendAsync(queue, "after", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout).ConfigureAwait(false);
        Assert.That((await arrived.Task.WaitAsync(StreamWaits.DefaultTimeout).ConfigureAwait(false)).GetBodyText(), Is.EqualTo("after"));
    }

    /// <summary>A topic set for a run: <paramref name="count"/> topics whose names hold <paramref name="run"/>.</summary>
    public static IReadOnlyList<string> TopicsFor(string run, int count) =>
        Enumerable.Range(0, count).Select(i => $"/topic/{run}.{i}").ToList();

    /// <summary>A fresh run name.</summary>
    public static string NewRun() => "churn" + Guid.NewGuid().ToString("N")[..12];
}

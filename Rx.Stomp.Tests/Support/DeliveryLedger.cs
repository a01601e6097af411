using System.Globalization;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// What a consumer received of messages numbered 0 to <c>total − 1</c>, each sent once or more (an attempt number per
/// send): which arrived, and of every duplicate, whether the broker delivered the same send again (a redelivery, which
/// must be marked <c>redelivered</c>) or the producer had sent it again after a lost receipt (a new message to the
/// broker, unmarked by rights). Arrays sized once, so that the ledger's own memory does not grow with the run.
/// Record may be called from one thread at a time per message (a client delivers on its read loop); the counters
/// may be read from any thread.
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly int[] _deliveries;
    private readonly long[] _attemptsSeen;
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _received;
    private int _duplicates;
    private int _markedRedeliveries;
    private int _unmarkedRedeliveries;
    private int _resentDuplicates;
    private int _markedFirstDeliveries;

    public DeliveryLedger(int total)
    {
        Total = total;
        _deliveries = new int[total];
        _attemptsSeen = new long[total];
        All = WhenReceived(total);
    }

    /// <summary>How many different messages are expected.</summary>
    public int Total { get; }

    /// <summary>Completes once every message arrived at least once.</summary>
    public Task All { get; }

    /// <summary>Different messages received.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Deliveries beyond the first of a message.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>The same send delivered again and marked <c>redelivered</c>.</summary>
    public int MarkedRedeliveries => Volatile.Read(ref _markedRedeliveries);

    /// <summary>The same send delivered again without the mark: the broker broke its promise.</summary>
    public int UnmarkedRedeliveries => Volatile.Read(ref _unmarkedRedeliveries);

    /// <summary>Another send of a message already received: the producer resent it after losing its receipt.</summary>
    public int ResentDuplicates => Volatile.Read(ref _resentDuplicates);

    /// <summary>First deliveries marked <c>redelivered</c>: the broker had delivered them before, to a connection that died with them.</summary>
    public int MarkedFirstDeliveries => Volatile.Read(ref _markedFirstDeliveries);

    /// <summary>Records one delivery of send <paramref name="attempt"/> of message <paramref name="id"/>.</summary>
    public void Record(int id, int attempt, bool redelivered)
    {
        var bit = 1L << Math.Min(attempt, 63);
        long seen;
        do
        {
            seen = Volatile.Read(ref _attemptsSeen[id]);
        }
        while (Interlocked.CompareExchange(ref _attemptsSeen[id], seen | bit, seen) != seen);

        if (Interlocked.Increment(ref _deliveries[id]) == 1)
        {
            if (redelivered)
            {
                Interlocked.Increment(ref _markedFirstDeliveries);
            }

            OnReceived(Interlocked.Increment(ref _received));
            return;
        }

        Interlocked.Increment(ref _duplicates);
        if ((seen & bit) == 0)
        {
            Interlocked.Increment(ref _resentDuplicates);
        }
        else
        {
            Interlocked.Increment(ref redelivered ? ref _markedRedeliveries : ref _unmarkedRedeliveries);
        }
    }

    /// <summary>Completes once <paramref name="count"/> different messages arrived.</summary>
    public Task WhenReceived(int count)
    {
        lock (_waiters)
        {
            if (Received >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>The messages never received, the first few of them.</summary>
    public IReadOnlyList<int> Missing(int atMost = 20) =>
        Enumerable.Range(0, Total).Where(id => Volatile.Read(ref _deliveries[id]) == 0).Take(atMost).ToList();

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Received} of {Total} received, {Total - Received} lost, {Duplicates} duplicates: {MarkedRedeliveries} redelivered and marked, " +
        $"{UnmarkedRedeliveries} redelivered unmarked, {ResentDuplicates} resent by the producer; {MarkedFirstDeliveries} first deliveries marked redelivered");

    private void OnReceived(int received)
    {
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (received >= _waiters[i].Count)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}

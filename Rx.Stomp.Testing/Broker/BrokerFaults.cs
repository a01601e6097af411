namespace Rx.Stomp.Broker;

/// <summary>
/// Fault injection, for tests: what a real network and a real broker do on a bad day, on demand. Every setting
/// applies to every connection at once, takes effect immediately, and can be changed back at any time.
/// </summary>
public sealed class BrokerFaults
{
    private readonly StompBroker _broker;
    private int _refuseConnects;
    private string _refusal = DefaultRefusal;
    private int _heartbeatsPaused;
    private int _chunkSize;
    private long _writeDelayTicks;

    /// <summary>The <c>message</c> of the ERROR that answers a refused CONNECT unless another is given.</summary>
    public const string DefaultRefusal = "Connection refused (injected fault)";

    internal BrokerFaults(StompBroker broker) => _broker = broker;

    /// <summary>
    /// Closes the connection of <paramref name="sessionId"/> abruptly (a TCP reset, no ERROR, no RECEIPT), as a
    /// crashed broker or a cut cable would. Its unacknowledged queue messages are redelivered to other consumers.
    /// </summary>
    /// <returns>Whether such a connection was open.</returns>
    public bool DropConnection(string sessionId) => _broker.Drop(sessionId);

    /// <summary>Closes every connection abruptly, as <see cref="DropConnection"/> does.</summary>
    /// <returns>How many connections were dropped.</returns>
    public int DropAllConnections() => _broker.DropAll();

    /// <summary>Answers each of the next <paramref name="count"/> CONNECT frames with an ERROR and closes the connection.</summary>
    /// <param name="count">How many connects to refuse; 0 stops refusing.</param>
    /// <param name="message">The ERROR's <c>message</c> header; <see cref="DefaultRefusal"/> by default.</param>
    public void RefuseConnects(int count, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Volatile.Write(ref _refusal, message ?? DefaultRefusal);
        Volatile.Write(ref _refuseConnects, count);
    }

    /// <summary>How many of the next CONNECT frames will still be refused.</summary>
    public int ConnectsToRefuse => Volatile.Read(ref _refuseConnects);

    /// <summary>
    /// Sends an ERROR with <paramref name="message"/> to every connected client; with <paramref name="close"/> (the
    /// default, as the specification wants) each connection is then closed.
    /// </summary>
    /// <returns>How many connections got the ERROR.</returns>
    public int SendErrorToAll(string message, bool close = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return _broker.SendErrorToAll(message, close);
    }

    /// <summary>
    /// Whether the broker withholds its heart-beats. While paused, connections stay open and frames flow, but no
    /// heart-beat is sent, so a client that expects them will soon declare the broker dead.
    /// </summary>
    public bool HeartbeatsPaused => Volatile.Read(ref _heartbeatsPaused) != 0;

    /// <summary>Stops sending heart-beats on every connection, which stay open.</summary>
    public void PauseHeartbeats() => Volatile.Write(ref _heartbeatsPaused, 1);

    /// <summary>Sends heart-beats again.</summary>
    public void ResumeHeartbeats() => Volatile.Write(ref _heartbeatsPaused, 0);

    /// <summary>
    /// Splits everything the broker writes into socket writes of at most this many bytes (each flushed on its own,
    /// so a client sees frames arrive in pieces); 0, the default, writes whole batches.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative size.</exception>
    public int ChunkSize
    {
        get => Volatile.Read(ref _chunkSize);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _chunkSize, value);
        }
    }

    /// <summary>A pause before each socket write (each chunk, with <see cref="ChunkSize"/>); zero, the default, for none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative delay.</exception>
    public TimeSpan WriteDelay
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _writeDelayTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Volatile.Write(ref _writeDelayTicks, value.Ticks);
        }
    }

    /// <summary>Turns every fault off: no refusals, heart-beats on, whole writes without delay.</summary>
    public void Reset()
    {
        RefuseConnects(0);
        ResumeHeartbeats();
        ChunkSize = 0;
        WriteDelay = TimeSpan.Zero;
    }

    /// <summary>Takes one refusal if any is left: the ERROR message to refuse with, else null.</summary>
    internal string? TakeRefusal()
    {
        while (true)
        {
            var left = Volatile.Read(ref _refuseConnects);
            if (left <= 0)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _refuseConnects, left - 1, left) == left)
            {
                return Volatile.Read(ref _refusal);
            }
        }
    }
}

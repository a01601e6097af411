using System.Net;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Broker;

/// <summary>
/// Settings of a <see cref="StompBroker"/>, as one immutable record. The defaults give a broker on 127.0.0.1 and
/// an ephemeral port that speaks every STOMP version, lets anyone in, and honours the heart-beats a client asks for.
/// </summary>
public sealed record StompBrokerOptions
{
    /// <summary>The default options.</summary>
    public static StompBrokerOptions Default { get; } = new();

    /// <summary>The address to listen on: the loopback interface by default.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port to listen on; 0 (the default) lets the system choose a free one, see <see cref="StompBroker.Endpoint"/>.</summary>
    public int Port { get; init; }

    /// <summary>The versions the broker speaks; CONNECT gets the highest one it shares with the client's <c>accept-version</c>.</summary>
    public IReadOnlyList<StompVersion> Versions { get; init; } = StompVersions.All;

    /// <summary>
    /// Login to passcode: when set, CONNECT must carry a <c>login</c> and <c>passcode</c> found here, or it gets an
    /// ERROR and the connection is closed. <see langword="null"/> (the default) lets anyone in.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Users { get; init; }

    /// <summary>
    /// The broker's side of heart-beat negotiation: <see cref="HeartbeatIntervals.Outgoing"/> is how often it can send
    /// (sx), <see cref="HeartbeatIntervals.Incoming"/> how often it wants to hear from the client (sy), and
    /// <see cref="HeartbeatIntervals.ReceiveScale"/> the grace before a silent client is dropped. Each direction is
    /// off if either side says zero, else the larger of the two values; the default of 100 ms both ways therefore
    /// gives a client the beats it asks for, down to 100 ms.
    /// </summary>
    public HeartbeatIntervals Heartbeat { get; init; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));

    /// <summary>Caps on inbound frames; a frame beyond them gets an ERROR and the connection is closed.</summary>
    public FrameLimits Limits { get; init; } = FrameLimits.Default;

    /// <summary>
    /// Most messages a queue, or a durable topic subscription, holds undelivered (waiting for a consumer); a SEND beyond
    /// it gets an ERROR and the connection is closed. Delivered but unacknowledged messages do not count.
    /// </summary>
    public int MaxPendingPerQueue { get; init; } = 1_000_000;

    /// <summary>
    /// How long a connection that the broker closes (after ERROR or DISCONNECT) waits for the client to close its
    /// side, so that the last frames are read before the socket goes.
    /// </summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The <c>server</c> header of CONNECTED.</summary>
    public string ServerName { get; init; } = "Rx.Stomp.Broker/" + (typeof(StompBrokerOptions).Assembly.GetName().Version?.ToString(3) ?? "0");

    /// <summary>The clock of heart-beats.</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;

    /// <summary>Where the broker logs, or <see langword="null"/> for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for settings that cannot work.</summary>
    public StompBrokerOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Address, nameof(Address));
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        if (Versions is null || Versions.Count == 0)
        {
            throw new ArgumentException("The broker must speak at least one version.", nameof(Versions));
        }

        ArgumentNullException.ThrowIfNull(Heartbeat, nameof(Heartbeat));
        Heartbeat.Validate();
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        Limits.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingPerQueue, 1, nameof(MaxPendingPerQueue));
        ArgumentOutOfRangeException.ThrowIfLessThan(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentException.ThrowIfNullOrWhiteSpace(ServerName, nameof(ServerName));
        ArgumentNullException.ThrowIfNull(Scheduler, nameof(Scheduler));
        return this;
    }
}

using System.Net;

namespace Rx.Stomp.Transport.Multicast;

/// <summary>Settings of <see cref="MulticastTransport"/>.</summary>
public sealed record MulticastTransportOptions
{
    /// <summary>The largest SEND frame that fits one UDP datagram over IPv4.</summary>
    public const int MaxDatagram = 65_507;

    /// <summary>The local interface to send and join the group on; <see cref="IPAddress.Any"/> lets the system choose (use <see cref="IPAddress.Loopback"/> to stay on this machine).</summary>
    public IPAddress Interface { get; init; } = IPAddress.Any;

    /// <summary>How many routers a datagram may cross (stomp.py uses 2).</summary>
    public int TimeToLive { get; init; } = 2;

    /// <summary>Whether this machine's own subscriptions receive what it sends (as in stomp.py).</summary>
    public bool Loopback { get; init; } = true;
}

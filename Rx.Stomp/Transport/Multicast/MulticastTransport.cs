using System.Net;
using System.Net.Sockets;

namespace Rx.Stomp.Transport.Multicast;

/// <summary>
/// stomp.py's broker-less multicast mode as a transport: the endpoint names a UDP multicast group and port (stomp.py
/// uses 224.1.1.1:5000), and every client of the group is a peer. A SEND is one datagram to the group; each peer
/// delivers it as a MESSAGE to its own subscriptions of that destination. CONNECT, SUBSCRIBE, transactions and
/// receipts are answered locally (see <see cref="MulticastPeer"/>), so <see cref="Client.StompClient"/> works unchanged.
/// </summary>
/// <remarks>
/// UDP gives no delivery guarantee: a RECEIPT here means the datagram left this machine, not that anyone got it;
/// ACK and NACK are accepted and do nothing; a SEND larger than one datagram is refused with an ERROR.
/// </remarks>
public sealed class MulticastTransport : IStompTransport
{
    private readonly MulticastTransportOptions _options;

    /// <summary>Creates the transport.</summary>
    public MulticastTransport(MulticastTransportOptions? options = null) => _options = options ?? new MulticastTransportOptions();

    /// <inheritdoc />
    /// <exception cref="StompConnectionException">The endpoint is not an IPv4 multicast group, or the group cannot be joined.</exception>
    public ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!IPAddress.TryParse(endpoint.Host, out var group) || group.AddressFamily != AddressFamily.InterNetwork || (group.GetAddressBytes()[0] & 0xF0) != 0xE0)
        {
            throw new StompConnectionException($"{endpoint} is not an IPv4 multicast group (224.0.0.0 to 239.255.255.255).");
        }

        try
        {
            return ValueTask.FromResult<Stream>(MulticastPeer.Start(new IPEndPoint(group, endpoint.Port), _options));
        }
        catch (SocketException e)
        {
            throw new StompConnectionException($"Could not join the multicast group {endpoint}: {e.Message}", e);
        }
    }
}

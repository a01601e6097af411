using System.Net;
using Rx.Stomp.Client;
using Rx.Stomp.Transport;
using Rx.Stomp.Transport.Multicast;

namespace Rx.Stomp.Samples.Cli;

/// <summary>
/// <c>-S multicast</c>, as in stomp.py's command-line client: no broker, the client is a peer of a UDP multicast
/// group (<see cref="MulticastTransport"/>), by default stomp.py's 224.1.1.1:5000; <c>-H</c> and <c>-P</c> name
/// another group and port.
/// </summary>
internal static class MulticastOption
{
    /// <summary>The value of <c>-S</c> that asks for it.</summary>
    public const string Name = "multicast";

    /// <summary>stomp.py's group and port.</summary>
    public static readonly StompEndpoint DefaultGroup = new("224.1.1.1", 5000);

    public static bool IsRequested(string? protocol) => string.Equals(protocol, Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The options for the group: its endpoint and the multicast transport on <paramref name="networkInterface"/> (any, if null).</summary>
    /// <exception cref="UsageException">The interface is not an IP address.</exception>
    public static StompClientOptions Apply(StompClientOptions options, string? host, int? port, string? networkInterface)
    {
        var on = IPAddress.Any;
        if (networkInterface is not null && !IPAddress.TryParse(networkInterface, out on))
        {
            throw new UsageException($"--multicast-interface: '{networkInterface}' is not an IP address.");
        }

        return options with
        {
            Endpoints = [new StompEndpoint(host ?? DefaultGroup.Host, port ?? DefaultGroup.Port)],
            Transport = new MulticastTransport(new MulticastTransportOptions { Interface = on! }),
        };
    }
}

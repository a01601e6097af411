namespace Rx.Stomp.Transport;

/// <summary>One broker address of the failover list (stomp.py's <c>host_and_ports</c> entries).</summary>
/// <param name="Host">Host name or IP address.</param>
/// <param name="Port">TCP port; 61613 is STOMP's usual one, 61614 STOMP over TLS.</param>
public sealed record StompEndpoint(string Host, int Port = StompEndpoint.DefaultPort)
{
    /// <summary>The usual STOMP port.</summary>
    public const int DefaultPort = 61613;

    /// <summary>The usual STOMP over TLS port.</summary>
    public const int DefaultTlsPort = 61614;

    /// <summary>How the endpoint is reached; plain TCP by default.</summary>
    public StompTransportKind Kind { get; init; } = StompTransportKind.Tcp;

    /// <summary>The HTTP path of a WebSocket endpoint, e.g. RabbitMQ's <c>/ws</c>; unused for TCP.</summary>
    public string Path { get; init; } = "/";

    /// <summary>
    /// TLS settings of this endpoint alone, or <see langword="null"/> for the client's
    /// <see cref="Client.StompClientOptions.Tls"/>. Only read when <see cref="Kind"/> uses TLS.
    /// </summary>
    public StompTlsOptions? Tls { get; init; }

    /// <summary>Whether <see cref="Host"/> names this machine's loopback interface.</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(Host, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary><c>host:port</c> for plain TCP, else the URL, e.g. <c>stomp+ssl://host:port</c> or <c>wss://host:port/ws</c>.</summary>
    public override string ToString()
    {
        var address = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
        return Kind switch
        {
            StompTransportKind.Tcp => address,
            StompTransportKind.Tls => "stomp+ssl://" + address,
            _ => $"{Kind.ToScheme()}://{address}{Path}",
        };
    }
}

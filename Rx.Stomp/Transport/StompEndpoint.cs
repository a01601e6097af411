namespace Rx.Stomp.Transport;

/// <summary>One broker address of the failover list (stomp.py's <c>host_and_ports</c> entries).</summary>
/// <param name="Host">Host name or IP address.</param>
/// <param name="Port">TCP port; 61613 is STOMP's usual one.</param>
public sealed record StompEndpoint(string Host, int Port = StompEndpoint.DefaultPort)
{
    /// <summary>The usual STOMP port.</summary>
    public const int DefaultPort = 61613;

    /// <summary>Whether <see cref="Host"/> names this machine's loopback interface.</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(Host, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary><c>host:port</c>.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

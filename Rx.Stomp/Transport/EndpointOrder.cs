using System.Net;

namespace Rx.Stomp.Transport;

/// <summary>The order in which the failover list is tried (stomp.py's <c>prefer_localhost</c> and <c>try_loopback_connect</c>).</summary>
public static class EndpointOrder
{
    /// <summary>
    /// The endpoints to try, in order: loopback ones first when <paramref name="preferLocalhost"/>; and, when
    /// <paramref name="tryLoopback"/>, a plain TCP endpoint naming this machine by its host name is preceded by the same
    /// port on 127.0.0.1 (not a TLS one: its certificate names the host, not the address). Otherwise the given order
    /// is kept, and duplicates are dropped.
    /// </summary>
    public static IReadOnlyList<StompEndpoint> Arrange(IEnumerable<StompEndpoint> endpoints, bool preferLocalhost, bool tryLoopback, string? machineName = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        machineName ??= Dns.GetHostName();
        var expanded = new List<StompEndpoint>();
        foreach (var endpoint in endpoints)
        {
            if (tryLoopback && endpoint.Kind == StompTransportKind.Tcp && string.Equals(endpoint.Host, machineName, StringComparison.OrdinalIgnoreCase))
            {
                expanded.Add(endpoint with { Host = "127.0.0.1" });
            }

            expanded.Add(endpoint);
        }

        var ordered = preferLocalhost ? expanded.Where(e => e.IsLoopback).Concat(expanded.Where(e => !e.IsLoopback)) : expanded;
        return ordered.Distinct().ToList();
    }
}

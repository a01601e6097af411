using System.Globalization;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>Where a client's connection stands.</summary>
public enum ConnectionStateKind
{
    /// <summary>Not connected, and not trying: never connected, or disconnected on purpose.</summary>
    Disconnected,

    /// <summary>Opening a connection and waiting for CONNECTED.</summary>
    Connecting,

    /// <summary>CONNECTED received; frames flow.</summary>
    Connected,

    /// <summary>The connection was lost and the client waits to try again.</summary>
    Reconnecting,

    /// <summary>The connection was lost (or refused) and the client will not try again.</summary>
    Faulted,

    /// <summary>The client was disposed.</summary>
    Disposed,
}

/// <summary>One value of <see cref="StompClient.State"/>: the status and what goes with it.</summary>
/// <param name="Kind">What the connection is doing (the same idea as <see cref="StompError.Kind"/>).</param>
/// <param name="Endpoint">The broker connected to or being tried, if any.</param>
/// <param name="Version">The negotiated version while connected.</param>
/// <param name="Session">The <c>session</c> header of CONNECTED, if the broker sent one.</param>
/// <param name="Server">The <c>server</c> header of CONNECTED, if the broker sent one.</param>
/// <param name="Attempt">While reconnecting, the number of the attempt to come: 1 right after a loss, 2 once that one failed… (after a failed first connect, 2 is the first retry).</param>
/// <param name="NextDelay">While reconnecting, how long until that attempt starts (zero: at once).</param>
/// <param name="Error">Why the connection was lost or refused, if it was.</param>
public sealed record ConnectionState(
    ConnectionStateKind Kind,
    StompEndpoint? Endpoint = null,
    StompVersion? Version = null,
    string? Session = null,
    string? Server = null,
    int Attempt = 0,
    TimeSpan? NextDelay = null,
    Exception? Error = null)
{
    /// <summary>The state of a client that has not connected yet.</summary>
    public static ConnectionState Initial { get; } = new(ConnectionStateKind.Disconnected);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ConnectionStateKind.Connected => $"Connected to {Endpoint} (STOMP {Version?.ToWire()}, server {Server ?? "?"})",
        ConnectionStateKind.Connecting => $"Connecting to {Endpoint}",
        ConnectionStateKind.Reconnecting when NextDelay is null => $"Reconnecting after: {Error?.Message}",
        ConnectionStateKind.Reconnecting when NextDelay == TimeSpan.Zero => $"Reconnecting (attempt {Attempt}, now) after: {Error?.Message}",
        ConnectionStateKind.Reconnecting => string.Create(CultureInfo.InvariantCulture, $"Reconnecting (attempt {Attempt}, in {NextDelay?.TotalSeconds:0.###} s) after: {Error?.Message}"),
        ConnectionStateKind.Faulted => $"Faulted: {Error?.Message}",
        _ => Kind.ToString(),
    };
}

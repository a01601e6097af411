using System.Net.WebSockets;
using System.Text;

namespace Rx.Stomp.Transport;

/// <summary>Settings of <see cref="WebSocketTransport"/>: the handshake's subprotocols and headers, and how frames are carried.</summary>
public sealed record WebSocketTransportOptions
{
    /// <summary>The STOMP subprotocols offered, most preferred first (the STOMP version itself is negotiated by CONNECT).</summary>
    public IReadOnlyList<string> Subprotocols { get; init; } = ["v12.stomp", "v11.stomp", "v10.stomp"];

    /// <summary>Extra HTTP headers of the handshake, e.g. <c>Origin</c> or <c>Authorization</c>. Their values are never shown.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// How outbound frames are sent: <see cref="WebSocketMessageType.Binary"/> (the default) carries any body;
    /// <see cref="WebSocketMessageType.Text"/> suits servers that want text, and then bodies must be UTF-8.
    /// Inbound, both are read alike.
    /// </summary>
    public WebSocketMessageType MessageType { get; init; } = WebSocketMessageType.Binary;

    /// <summary>How often WebSocket pings keep the connection alive, or <see langword="null"/> for the system's default.</summary>
    public TimeSpan? KeepAliveInterval { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for settings that cannot work.</summary>
    public WebSocketTransportOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Subprotocols, nameof(Subprotocols));
        ArgumentNullException.ThrowIfNull(Headers, nameof(Headers));
        if (MessageType is not (WebSocketMessageType.Binary or WebSocketMessageType.Text))
        {
            throw new ArgumentException("STOMP frames go in Binary or Text messages.", nameof(MessageType));
        }

        return this;
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Subprotocols = [").AppendJoin(", ", Subprotocols).Append(']');
        builder.Append(", Headers = [").AppendJoin(", ", Headers.Keys).Append(']');
        builder.Append(", MessageType = ").Append(MessageType);
        return true;
    }
}

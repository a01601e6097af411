namespace Rx.Stomp.Transport;

/// <summary>How an endpoint is reached: the URL scheme of <see cref="StompEndpoint"/>.</summary>
public enum StompTransportKind
{
    /// <summary>Plain TCP (<c>stomp://</c>).</summary>
    Tcp,

    /// <summary>TCP under TLS (<c>stomp+ssl://</c>).</summary>
    Tls,

    /// <summary>WebSocket (<c>ws://</c>).</summary>
    WebSocket,

    /// <summary>WebSocket under TLS (<c>wss://</c>).</summary>
    SecureWebSocket,
}

/// <summary>What each <see cref="StompTransportKind"/> implies.</summary>
public static class StompTransportKinds
{
    /// <summary>Whether the kind runs under TLS.</summary>
    public static bool UsesTls(this StompTransportKind kind) => kind is StompTransportKind.Tls or StompTransportKind.SecureWebSocket;

    /// <summary>Whether the kind is a WebSocket.</summary>
    public static bool IsWebSocket(this StompTransportKind kind) => kind is StompTransportKind.WebSocket or StompTransportKind.SecureWebSocket;

    /// <summary>The URL scheme: <c>stomp</c>, <c>stomp+ssl</c>, <c>ws</c> or <c>wss</c>.</summary>
    public static string ToScheme(this StompTransportKind kind) => kind switch
    {
        StompTransportKind.Tls => "stomp+ssl",
        StompTransportKind.WebSocket => "ws",
        StompTransportKind.SecureWebSocket => "wss",
        _ => "stomp",
    };
}

using Microsoft.Extensions.Logging;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Diagnostics;

/// <summary>
/// Every log line the client writes. Frames are logged through <see cref="Frame.ToString"/>, which redacts secrets
/// and never includes a body.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {Endpoint} with STOMP {Version}")]
    public static partial void Connected(ILogger logger, StompEndpoint endpoint, string version);

    [LoggerMessage(2, LogLevel.Warning, "Could not connect to {Endpoint}: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, StompEndpoint endpoint, string reason);

    [LoggerMessage(3, LogLevel.Information, "Disconnected from {Endpoint}")]
    public static partial void Disconnected(ILogger logger, StompEndpoint endpoint);

    [LoggerMessage(4, LogLevel.Information, "No receipt for DISCONNECT ({Reason}); closing anyway")]
    public static partial void DisconnectUnconfirmed(ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Connection to {Endpoint} lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, StompEndpoint endpoint, string reason);

    [LoggerMessage(6, LogLevel.Trace, "Sending {Frame}")]
    public static partial void Sending(ILogger logger, Frame frame);

    [LoggerMessage(7, LogLevel.Trace, "Received {Frame}")]
    public static partial void Received(ILogger logger, Frame frame);

    [LoggerMessage(8, LogLevel.Warning, "{Message}")]
    public static partial void ErrorFrame(ILogger logger, string message);

    [LoggerMessage(9, LogLevel.Error, "An observer threw; the client goes on")]
    public static partial void ObserverFault(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "SUBSCRIBE {Id} to {Destination} not confirmed: {Reason}")]
    public static partial void SubscribeUnconfirmed(ILogger logger, string id, string destination, string reason);

    [LoggerMessage(11, LogLevel.Debug, "UNSUBSCRIBE not sent ({Reason}); the connection is gone, and the subscription with it")]
    public static partial void UnsubscribeNotSent(ILogger logger, string reason);

    [LoggerMessage(12, LogLevel.Debug, "Disconnect on dispose: {Reason}")]
    public static partial void DisposeDisconnect(ILogger logger, string reason);

    [LoggerMessage(13, LogLevel.Debug, "The frames an ERROR left in doubt could not be settled ({Reason}); each ends with its own timeout or with the connection")]
    public static partial void ProbeUnanswered(ILogger logger, string reason);

    [LoggerMessage(40, LogLevel.Warning, "Prefetch {Prefetch} of subscription {Id} is not sent to {Server}: Artemis counts its window (consumer-window-size) in bytes, so only a prefetch of 1 has an equivalent; the broker's own window applies")]
    public static partial void PrefetchNotMapped(ILogger logger, int prefetch, string id, string? server);
}

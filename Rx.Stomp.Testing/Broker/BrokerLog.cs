using Microsoft.Extensions.Logging;

namespace Rx.Stomp.Broker;

/// <summary>Every log line the embedded broker writes. Passcodes are never logged.</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(101, LogLevel.Information, "STOMP broker listening on {Endpoint}")]
    public static partial void Started(ILogger logger, string endpoint);

    [LoggerMessage(102, LogLevel.Information, "STOMP broker on {Endpoint} stopped")]
    public static partial void Stopped(ILogger logger, string endpoint);

    [LoggerMessage(103, LogLevel.Debug, "{Session}: connection from {Remote}")]
    public static partial void Accepted(ILogger logger, string session, string remote);

    [LoggerMessage(104, LogLevel.Debug, "{Session}: connected from {Remote} with STOMP {Version}, heart-beats {SendMs} ms out, {ReceiveMs} ms in")]
    public static partial void SessionOpened(ILogger logger, string session, string remote, string version, long sendMs, long receiveMs);

    [LoggerMessage(105, LogLevel.Debug, "{Session}: closed ({Reason})")]
    public static partial void Closed(ILogger logger, string session, string reason);

    [LoggerMessage(106, LogLevel.Information, "{Session}: ERROR {Message}")]
    public static partial void ErrorSent(ILogger logger, string session, string message);

    [LoggerMessage(107, LogLevel.Information, "{Session}: no heart-beat from the client: {Reason}")]
    public static partial void HeartbeatTimeout(ILogger logger, string session, string reason);

    [LoggerMessage(108, LogLevel.Information, "{Session}: dropped (injected fault)")]
    public static partial void Dropped(ILogger logger, string session);

    [LoggerMessage(109, LogLevel.Warning, "Connections still open {Seconds} s after the broker was stopped")]
    public static partial void SlowStop(ILogger logger, double seconds);

    [LoggerMessage(110, LogLevel.Error, "An observer of StompBroker.Events threw; the broker goes on")]
    public static partial void ObserverFault(ILogger logger, Exception exception);
}

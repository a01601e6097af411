using Microsoft.Extensions.Logging;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Listeners;

/// <summary>
/// stomp.py's <c>PrintingListener</c> as an <see cref="ILogger"/>: one line per callback (Information; sends,
/// messages and heart-beats at Debug). Frames are logged redacted and without bodies.
/// </summary>
public sealed partial class LoggingListener(ILogger logger) : IStompListener
{
    private readonly ILogger _logger = logger ?? throw new ArgumentNullException(nameof(logger));

    /// <inheritdoc />
    public void OnConnecting(StompEndpoint endpoint) => Connecting(_logger, endpoint);

    /// <inheritdoc />
    public void OnConnected(Frame connected) => Connected(_logger, connected);

    /// <inheritdoc />
    public void OnDisconnecting() => Disconnecting(_logger);

    /// <inheritdoc />
    public void OnDisconnected() => Disconnected(_logger);

    /// <inheritdoc />
    public void OnHeartbeatTimeout() => HeartbeatTimeout(_logger);

    /// <inheritdoc />
    public void OnMessage(StompMessage message) => Message(_logger, message.Frame);

    /// <inheritdoc />
    public void OnReceipt(Receipt receipt) => ReceiptReceived(_logger, receipt.Id);

    /// <inheritdoc />
    public void OnError(StompError fault) => Error(_logger, fault.Message);

    /// <inheritdoc />
    public void OnSend(Frame frame) => Send(_logger, frame);

    /// <inheritdoc />
    public void OnHeartbeat() => Heartbeat(_logger);

    /// <inheritdoc />
    public void OnReceiverLoopCompleted() => ReceiverLoopCompleted(_logger);

    [LoggerMessage(101, LogLevel.Information, "on_connecting {Endpoint}")]
    private static partial void Connecting(ILogger logger, StompEndpoint endpoint);

    [LoggerMessage(102, LogLevel.Information, "on_connected {Frame}")]
    private static partial void Connected(ILogger logger, Frame frame);

    [LoggerMessage(103, LogLevel.Information, "on_disconnecting")]
    private static partial void Disconnecting(ILogger logger);

    [LoggerMessage(104, LogLevel.Information, "on_disconnected")]
    private static partial void Disconnected(ILogger logger);

    [LoggerMessage(105, LogLevel.Warning, "on_heartbeat_timeout")]
    private static partial void HeartbeatTimeout(ILogger logger);

    [LoggerMessage(106, LogLevel.Debug, "on_message {Frame}")]
    private static partial void Message(ILogger logger, Frame frame);

    [LoggerMessage(107, LogLevel.Information, "on_receipt {ReceiptId}")]
    private static partial void ReceiptReceived(ILogger logger, string receiptId);

    [LoggerMessage(108, LogLevel.Warning, "on_error {Message}")]
    private static partial void Error(ILogger logger, string message);

    [LoggerMessage(109, LogLevel.Debug, "on_send {Frame}")]
    private static partial void Send(ILogger logger, Frame frame);

    [LoggerMessage(110, LogLevel.Debug, "on_heartbeat")]
    private static partial void Heartbeat(ILogger logger);

    [LoggerMessage(111, LogLevel.Information, "on_receiver_loop_completed")]
    private static partial void ReceiverLoopCompleted(ILogger logger);
}

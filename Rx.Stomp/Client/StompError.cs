using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>What went wrong, for <see cref="StompClient.Errors"/>.</summary>
public enum StompErrorKind
{
    /// <summary>The broker sent an ERROR frame.</summary>
    ErrorFrame,

    /// <summary>The broker sent bytes that are not valid STOMP.</summary>
    Protocol,

    /// <summary>The connection failed or was closed by the broker.</summary>
    Connection,

    /// <summary>No sign of life from the broker within the heart-beat deadline.</summary>
    HeartbeatTimeout,

    /// <summary>An observer of one of the client's streams threw; the client went on.</summary>
    Observer,
}

/// <summary>One item of <see cref="StompClient.Errors"/>.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Exception">The exception that says it.</param>
/// <param name="Frame">The ERROR frame, for <see cref="StompErrorKind.ErrorFrame"/>.</param>
public sealed record StompError(StompErrorKind Kind, Exception Exception, Frame? Frame = null)
{
    /// <summary>The message of the ERROR frame's <c>message</c> header, or of the exception.</summary>
    public string Message => Frame?.Headers[StompHeaderNames.Message] ?? Exception.Message;

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}

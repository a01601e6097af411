using Rx.Stomp.Frames;

namespace Rx.Stomp;

/// <summary>The broker answered with an ERROR frame; its <c>message</c> header is this exception's message.</summary>
public sealed class StompErrorException : StompException
{
    /// <summary>Creates the exception from the broker's ERROR frame.</summary>
    public StompErrorException(Frame frame)
        : base(Describe(frame)) => Frame = frame;

    /// <summary>Creates the exception.</summary>
    public StompErrorException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StompErrorException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public StompErrorException() { }

    /// <summary>The ERROR frame.</summary>
    public Frame? Frame { get; }

    /// <summary>The <c>message</c> header of the ERROR frame.</summary>
    public string? BrokerMessage => Frame?.Headers[StompHeaderNames.Message];

    private static string Describe(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var message = frame.Headers[StompHeaderNames.Message] ?? "(no message header)";
        var body = frame.Body.IsEmpty ? "" : frame.GetBodyText().Trim();
        if (body.Length > 500)
        {
            body = body[..500] + "...";
        }

        return body.Length == 0 || body == message ? $"The broker sent ERROR: {message}" : $"The broker sent ERROR: {message} — {body}";
    }
}

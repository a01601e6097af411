namespace Rx.Stomp;

/// <summary>
/// Bytes that are not a valid STOMP frame for the version in use, or a frame that the version cannot carry.
/// The message says what was wrong; <see cref="Offset"/> says where.
/// </summary>
public sealed class StompProtocolException : StompException
{
    /// <summary>Creates the exception.</summary>
    public StompProtocolException(string message, long offset = -1)
        : base(offset >= 0 ? $"{message} (at byte {offset} of the frame)" : message)
    {
        Offset = offset;
    }

    /// <summary>Creates the exception.</summary>
    public StompProtocolException() : this("Invalid STOMP frame.") { }

    /// <summary>Creates the exception.</summary>
    public StompProtocolException(string message) : this(message, -1) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StompProtocolException(string message, Exception? innerException) : base(message, innerException) => Offset = -1;

    /// <summary>The byte offset, from the start of the frame, where the problem was found; -1 when not about input bytes.</summary>
    public long Offset { get; }
}

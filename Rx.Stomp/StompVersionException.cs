namespace Rx.Stomp;

/// <summary>
/// The broker answered CONNECTED with a STOMP version this client did not offer, or none it speaks. Final: asking the
/// same broker again gets the same answer, so the client does not retry it.
/// </summary>
public sealed class StompVersionException : StompException
{
    /// <summary>Creates the exception with a message naming the versions.</summary>
    public StompVersionException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StompVersionException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a default message.</summary>
    public StompVersionException() : base("The broker chose a STOMP version this client did not offer.") { }
}

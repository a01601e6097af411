namespace Rx.Stomp;

/// <summary>The connection to the broker could not be made, or was lost.</summary>
public class StompConnectionException : StompException
{
    /// <summary>Creates the exception.</summary>
    public StompConnectionException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StompConnectionException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public StompConnectionException() { }
}

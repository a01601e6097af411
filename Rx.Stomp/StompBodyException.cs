namespace Rx.Stomp;

/// <summary>A message body could not be read as what was asked for (JSON of a type, text in a charset).</summary>
public class StompBodyException : StompException
{
    /// <summary>Creates the exception.</summary>
    public StompBodyException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StompBodyException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public StompBodyException() { }
}

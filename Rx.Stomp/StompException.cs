namespace Rx.Stomp;

/// <summary>The base of every exception this library throws about STOMP.</summary>
public class StompException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StompException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StompException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public StompException() { }
}

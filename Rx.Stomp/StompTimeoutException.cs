namespace Rx.Stomp;

/// <summary>A wait for the broker (CONNECTED, a RECEIPT) ran out of time.</summary>
public sealed class StompTimeoutException : StompException
{
    /// <summary>Creates the exception.</summary>
    public StompTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StompTimeoutException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public StompTimeoutException() { }
}

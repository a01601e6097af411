namespace Rx.Stomp.Fuzz;

/// <summary>A property of the reader that an input broke; thrown so that AFL++ records the input as a crash.</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException(string message) : base(message) { }

    public FuzzFindingException() { }

    public FuzzFindingException(string message, Exception innerException) : base(message, innerException) { }
}

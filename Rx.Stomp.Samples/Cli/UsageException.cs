namespace Rx.Stomp.Samples.Cli;

/// <summary>A bad option or argument value; rxstomp exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }

    public UsageException(string message, Exception innerException) : base(message, innerException) { }

    public UsageException() { }
}

namespace Rx.Stomp.Samples.Cli;

/// <summary>The process exit codes of rxstomp.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bad option or argument value; nothing was sent.</summary>
    public const int Usage = 1;

    /// <summary>The broker could not be reached, refused the connection, sent ERROR, or the connection was lost.</summary>
    public const int Broker = 2;

    /// <summary>An awaited message or RECEIPT did not arrive in time.</summary>
    public const int Timeout = 3;

    /// <summary>Ctrl+C or SIGTERM before the command was done (listen, which runs until then, exits 0).</summary>
    public const int Interrupted = 130;

    /// <summary>The line that documents the codes, for --help.</summary>
    public const string Help = "Exit codes: 0 success, 1 usage error, 2 connection or broker error, 3 timeout.";
}

namespace Rx.Stomp.Samples.Cli;

/// <summary>Which exit code an expected failure gives (<see cref="ExitCodes"/>).</summary>
internal static class Failure
{
    /// <summary>The exit code of <paramref name="exception"/>, or <see langword="null"/> for an unexpected one (a bug, left to crash loudly).</summary>
    public static int? ExitCodeOf(Exception exception) => exception switch
    {
        UsageException => ExitCodes.Usage,
        StompTimeoutException => ExitCodes.Timeout,
        StompException or IOException => ExitCodes.Broker,
        _ => null,
    };
}

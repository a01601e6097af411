using System.Globalization;

namespace Rx.Stomp;

/// <summary>
/// The broker sent nothing, not even a heart-beat, for longer than the negotiated interval allows: the
/// connection is presumed dead.
/// </summary>
public class HeartbeatTimeoutException : StompConnectionException
{
    /// <summary>Creates the exception for a silence of <paramref name="silence"/> against an <paramref name="interval"/>.</summary>
    /// <param name="interval">The negotiated interval at which the broker promised to send.</param>
    /// <param name="silence">How long nothing had arrived when the connection was given up.</param>
    public HeartbeatTimeoutException(TimeSpan interval, TimeSpan silence)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"No heart-beat or other data from the broker for {silence.TotalMilliseconds} ms; it promised one every {interval.TotalMilliseconds} ms."))
    {
        Interval = interval;
        Silence = silence;
    }

    /// <summary>Creates the exception.</summary>
    public HeartbeatTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public HeartbeatTimeoutException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public HeartbeatTimeoutException() { }

    /// <summary>The negotiated interval at which the broker promised to send; zero if not known.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How long nothing had arrived when the connection was given up; zero if not known.</summary>
    public TimeSpan Silence { get; }
}

namespace Rx.Stomp.Frames;

/// <summary>A version of the STOMP protocol.</summary>
public enum StompVersion
{
    /// <summary>STOMP 1.0: no header escaping, no NACK, no heart-beats.</summary>
    V10 = 10,

    /// <summary>STOMP 1.1: escaping of LF, colon and backslash; heart-beats; NACK.</summary>
    V11 = 11,

    /// <summary>STOMP 1.2: adds CR escaping and CR LF line ends; ACK by the message's <c>ack</c> header.</summary>
    V12 = 12,
}

/// <summary>Conversions between <see cref="StompVersion"/> and its wire form.</summary>
public static class StompVersions
{
    /// <summary>Every version, oldest first.</summary>
    public static IReadOnlyList<StompVersion> All { get; } = [StompVersion.V10, StompVersion.V11, StompVersion.V12];

    /// <summary>The version as written in <c>accept-version</c> and <c>version</c> headers, e.g. <c>1.2</c>.</summary>
    public static string ToWire(this StompVersion version) => version switch
    {
        StompVersion.V10 => "1.0",
        StompVersion.V11 => "1.1",
        StompVersion.V12 => "1.2",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Not a STOMP version."),
    };

    /// <summary>Parses <c>1.0</c>, <c>1.1</c> or <c>1.2</c>.</summary>
    /// <returns><see langword="false"/> when <paramref name="text"/> names no version this library speaks.</returns>
    public static bool TryParse(string? text, out StompVersion version)
    {
        switch (text?.Trim())
        {
            case "1.0": version = StompVersion.V10; return true;
            case "1.1": version = StompVersion.V11; return true;
            case "1.2": version = StompVersion.V12; return true;
            default: version = default; return false;
        }
    }

    /// <summary>Parses a version, throwing <see cref="FormatException"/> for anything else.</summary>
    public static StompVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a STOMP version (1.0, 1.1 or 1.2).");
}

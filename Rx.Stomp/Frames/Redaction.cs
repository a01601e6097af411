namespace Rx.Stomp.Frames;

/// <summary>Keeps secrets out of logs, exception messages and <c>ToString()</c>.</summary>
internal static class Redaction
{
    public const string Mask = "***";

    public static bool IsSecret(string headerName) =>
        string.Equals(headerName, StompHeaderNames.Passcode, StringComparison.OrdinalIgnoreCase)
        || headerName.Contains("password", StringComparison.OrdinalIgnoreCase)
        || headerName.Contains("token", StringComparison.OrdinalIgnoreCase);

    public static string Redact(string headerName, string value) => IsSecret(headerName) ? Mask : value;
}

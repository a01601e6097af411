using System.Globalization;

namespace Rx.Stomp.Client;

/// <summary>
/// The heart-beats a client asks for in CONNECT, and how much lateness it forgives.
/// </summary>
/// <param name="Outgoing">cx: the client can send a beat this often; zero means never.</param>
/// <param name="Incoming">cy: the client wants a beat at least this often; zero means it does not.</param>
public sealed record HeartbeatIntervals(TimeSpan Outgoing, TimeSpan Incoming)
{
    /// <summary>No heart-beats in either direction (the specification's default).</summary>
    public static HeartbeatIntervals None { get; } = new(TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>
    /// The broker is declared dead after <c>ReceiveScale × negotiated interval</c> of silence (stomp.py's
    /// <c>heart_beat_receive_scale</c>, 1.5 by default).
    /// </summary>
    public double ReceiveScale { get; init; } = 1.5;

    /// <summary>The <c>heart-beat</c> header value, <c>cx,cy</c> in milliseconds.</summary>
    public string ToHeader() => string.Create(CultureInfo.InvariantCulture, $"{(long)Outgoing.TotalMilliseconds},{(long)Incoming.TotalMilliseconds}");

    /// <summary>Parses <c>cx,cy</c> in milliseconds.</summary>
    /// <exception cref="FormatException">Not two non-negative integers.</exception>
    public static HeartbeatIntervals Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',');
        if (parts.Length == 2
            && long.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var cx)
            && long.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var cy))
        {
            return new HeartbeatIntervals(TimeSpan.FromMilliseconds(cx), TimeSpan.FromMilliseconds(cy));
        }

        throw new FormatException($"'{text}' is not a heart-beat setting: expected 'cx,cy' in milliseconds, e.g. '10000,10000'.");
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for negative intervals or a scale below 1.</summary>
    public HeartbeatIntervals Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Outgoing, TimeSpan.Zero, nameof(Outgoing));
        ArgumentOutOfRangeException.ThrowIfLessThan(Incoming, TimeSpan.Zero, nameof(Incoming));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveScale, 1.0, nameof(ReceiveScale));
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => ToHeader();
}

using System.Globalization;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>The CONNECT frame a client sends, and what it learns from CONNECTED: pure functions of the options and the frame.</summary>
public static class Handshake
{
    /// <summary>The CONNECT (or STOMP) frame for <paramref name="options"/>. It never carries a <c>receipt</c>.</summary>
    public static Frame BuildConnectFrame(StompClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var headers = new List<KeyValuePair<string, string>>
        {
            new(StompHeaderNames.AcceptVersion, string.Join(',', options.AcceptVersions.Distinct().Order().Select(v => v.ToWire()))),
            new(StompHeaderNames.Host, options.VirtualHost),
        };
        if (options.Login is not null)
        {
            headers.Add(new(StompHeaderNames.Login, options.Login));
        }

        if (options.Passcode is not null)
        {
            headers.Add(new(StompHeaderNames.Passcode, options.Passcode));
        }

        if (options.Heartbeat.Outgoing > TimeSpan.Zero || options.Heartbeat.Incoming > TimeSpan.Zero)
        {
            headers.Add(new(StompHeaderNames.HeartBeat, options.Heartbeat.ToHeader()));
        }

        if (options.ClientId is not null && !options.ConnectHeaders.Contains(BrokerHeaderNames.ClientId))
        {
            headers.Add(new(BrokerHeaderNames.ClientId, options.ClientId));
        }

        headers.AddRange(options.ConnectHeaders.Where(h => h.Key != StompHeaderNames.Receipt));
        return new Frame(options.UseStompCommand ? StompCommand.Stomp : StompCommand.Connect, StompHeaders.Create(headers));
    }

    /// <summary>The version the server chose: its <c>version</c> header, 1.0 when absent.</summary>
    /// <exception cref="StompVersionException">The server chose a version the client did not offer.</exception>
    public static StompVersion NegotiateVersion(IReadOnlyCollection<StompVersion> offered, Frame connected)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentNullException.ThrowIfNull(connected);
        var header = connected.Headers[StompHeaderNames.Version];
        if (header is null)
        {
            return offered.Contains(StompVersion.V10)
                ? StompVersion.V10
                : throw new StompVersionException($"The server answered without a version header (STOMP 1.0), but only {Describe(offered)} was offered.");
        }

        if (!StompVersions.TryParse(header, out var version))
        {
            throw new StompVersionException($"The server chose version '{header}', which this client does not speak.");
        }

        return offered.Contains(version)
            ? version
            : throw new StompVersionException($"The server chose STOMP {header}, but only {Describe(offered)} was offered.");
    }

    /// <summary>
    /// The negotiated heart-beat intervals: how often the client must send, and how often the server promised to.
    /// Each is zero (off) if either side said zero, else the larger of the two; STOMP 1.0 has none.
    /// </summary>
    public static (TimeSpan Send, TimeSpan Receive) NegotiateHeartbeat(HeartbeatIntervals client, StompVersion version, Frame connected)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(connected);
        if (version == StompVersion.V10)
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }

        var (sx, sy) = ParseHeartbeat(connected.Headers[StompHeaderNames.HeartBeat]);
        return (Combine(client.Outgoing, sy), Combine(client.Incoming, sx));
    }

    private static TimeSpan Combine(TimeSpan mine, TimeSpan theirs) =>
        mine == TimeSpan.Zero || theirs == TimeSpan.Zero ? TimeSpan.Zero : (mine > theirs ? mine : theirs);

    private static (TimeSpan Sx, TimeSpan Sy) ParseHeartbeat(string? header)
    {
        if (header is null)
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }

        var parts = header.Split(',');
        if (parts.Length == 2
            && long.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sx)
            && long.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sy))
        {
            return (TimeSpan.FromMilliseconds(sx), TimeSpan.FromMilliseconds(sy));
        }

        throw new StompProtocolException($"The server's heart-beat header '{header}' is not two non-negative integers.");
    }

    private static string Describe(IReadOnlyCollection<StompVersion> offered) => string.Join(", ", offered.Select(v => v.ToWire()));
}

using System.Globalization;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>Reads <c>stomp://</c> URLs and <c>failover:(…)</c> lists into <see cref="StompClientOptions"/>.</summary>
internal static class StompUrl
{
    public static StompClientOptions Parse(string text, StompClientOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(text);
        var urls = SplitFailover(text.Trim());
        var endpoints = new List<StompEndpoint>();
        var options = defaults;
        for (var i = 0; i < urls.Count; i++)
        {
            if (!Uri.TryCreate(urls[i], UriKind.Absolute, out var uri) || uri.Scheme != "stomp" || string.IsNullOrEmpty(uri.Host))
            {
                throw new FormatException($"'{Redact(urls[i])}' is not a stomp:// URL (stomp://user:pass@host:port/vhost).");
            }

            endpoints.Add(new StompEndpoint(uri.Host.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? StompEndpoint.DefaultPort : uri.Port));
            if (i == 0)
            {
                options = ApplyFirst(uri, options);
            }
        }

        return options with { Endpoints = endpoints };
    }

    private static List<string> SplitFailover(string text)
    {
        if (!text.StartsWith("failover:", StringComparison.OrdinalIgnoreCase))
        {
            return [text];
        }

        var list = text["failover:".Length..].Trim();
        if (list.StartsWith('(') && list.EndsWith(')'))
        {
            list = list[1..^1];
        }

        var urls = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return urls.Count > 0 ? urls : throw new FormatException("A failover: list needs at least one URL.");
    }

    private static StompClientOptions ApplyFirst(Uri uri, StompClientOptions options)
    {
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            options = colon < 0
                ? options with { Login = Uri.UnescapeDataString(uri.UserInfo) }
                : options with
                {
                    Login = Uri.UnescapeDataString(uri.UserInfo[..colon]),
                    Passcode = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]),
                };
        }

        var path = uri.AbsolutePath;
        if (path.Length > 1)
        {
            options = options with { VirtualHost = Uri.UnescapeDataString(path[1..]) };
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            options = key switch
            {
                "heart-beat" or "heartbeat" => options with { Heartbeat = HeartbeatSettings.Parse(value) },
                "accept-version" => options with { AcceptVersions = value.Split(',').Select(StompVersions.Parse).ToArray() },
                "vhost" or "host" => options with { VirtualHost = value },
                "connect-timeout" => options with { ConnectTimeout = TimeSpan.FromMilliseconds(long.Parse(value, CultureInfo.InvariantCulture)) },
                _ => throw new FormatException($"Unknown option '{key}' in a stomp:// URL."),
            };
        }

        return options;
    }

    /// <summary>A URL with its password replaced, for error messages.</summary>
    public static string Redact(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || scheme < 0 || at < scheme)
        {
            return url;
        }

        var colon = url.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? url[..(colon + 1)] + Redaction.Mask + url[at..] : url;
    }
}

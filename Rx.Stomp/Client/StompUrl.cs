using System.Globalization;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>Reads <c>stomp://</c> URLs and <c>failover:(…)</c> lists into <see cref="StompClientOptions"/>.</summary>
internal static class StompUrl
{
    public static StompClientOptions Parse(string url, StompClientOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(url);
        var urls = SplitFailover(url.Trim());
        var endpoints = new List<StompEndpoint>();
        var options = defaults;
        for (var i = 0; i < urls.Count; i++)
        {
            if (!Uri.TryCreate(urls[i], UriKind.Absolute, out var uri) || ParseKind(uri.Scheme) is not { } kind || string.IsNullOrEmpty(uri.Host))
            {
                throw new FormatException($"'{Redact(urls[i])}' is not a stomp://, stomp+ssl://, ws:// or wss:// URL (stomp://user:pass@host:port/vhost).");
            }

            endpoints.Add(ParseEndpoint(uri, kind, defaults.Tls));
            if (i == 0)
            {
                options = ApplyFirst(uri, kind, options);
            }
        }

        return options with { Endpoints = endpoints };
    }

    private static StompTransportKind? ParseKind(string scheme) => scheme.ToLowerInvariant() switch
    {
        "stomp" or "tcp" => StompTransportKind.Tcp,
        "stomp+ssl" or "stomp+tls" or "ssl" => StompTransportKind.Tls,
        "ws" => StompTransportKind.WebSocket,
        "wss" => StompTransportKind.SecureWebSocket,
        _ => null,
    };

    /// <summary>The endpoint of one URL, with its own TLS settings when its query names any.</summary>
    private static StompEndpoint ParseEndpoint(Uri uri, StompTransportKind kind, StompTlsOptions tlsDefaults)
    {
        var port = uri.Port > 0 && !(uri.IsDefaultPort && kind is StompTransportKind.Tcp or StompTransportKind.Tls)
            ? uri.Port
            : kind == StompTransportKind.Tls ? StompEndpoint.DefaultTlsPort : StompEndpoint.DefaultPort;
        var endpoint = new StompEndpoint(uri.Host.Trim('[', ']'), port) { Kind = kind };
        if (kind.IsWebSocket())
        {
            endpoint = endpoint with { Path = uri.AbsolutePath };
        }

        StompTlsOptions? tls = null;
        foreach (var (key, value) in Query(uri))
        {
            tls = key switch
            {
                "ca-file" => (tls ?? tlsDefaults) with { CaFile = value },
                "cert-file" => (tls ?? tlsDefaults) with { ClientCertificateFile = value },
                "key-file" => (tls ?? tlsDefaults) with { ClientKeyFile = value },
                "target-host" => (tls ?? tlsDefaults) with { TargetHost = value },
                _ => tls,
            };
        }

        if (tls is not null && !kind.UsesTls())
        {
            throw new FormatException($"'{Redact(uri.OriginalString)}' has TLS options but is not a stomp+ssl:// or wss:// URL.");
        }

        return endpoint with { Tls = tls };
    }

    private static IEnumerable<(string Key, string Value)> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            return (Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]), eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]));
        });

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

    private static StompClientOptions ApplyFirst(Uri uri, StompTransportKind kind, StompClientOptions options)
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

        // A WebSocket URL's path is the HTTP path: its virtual host comes from the query.
        var path = uri.AbsolutePath;
        if (path.Length > 1 && !kind.IsWebSocket())
        {
            options = options with { VirtualHost = Uri.UnescapeDataString(path[1..]) };
        }

        foreach (var (key, value) in Query(uri))
        {
            options = key switch
            {
                "heart-beat" or "heartbeat" => options with { Heartbeat = HeartbeatIntervals.Parse(value) },
                "accept-version" => options with { AcceptVersions = value.Split(',').Select(StompVersions.Parse).ToArray() },
                "vhost" or "host" => options with { VirtualHost = value },
                "connect-timeout" => options with { ConnectTimeout = TimeSpan.FromMilliseconds(long.Parse(value, CultureInfo.InvariantCulture)) },
                "ca-file" or "cert-file" or "key-file" or "target-host" => options,
                _ => throw new FormatException($"Unknown option '{key}' in a stomp:// URL."),
            };
        }

        return options;
    }

    /// <summary>
    /// A URL with its password replaced, for error messages: whatever follows the first colon of the user info (the part
    /// of the authority before its last '@'), with or without a scheme, so that no malformed URL shows its password.
    /// </summary>
    public static string Redact(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var path = url.IndexOfAny(['/', '?', '#'], start);
        var end = path < 0 ? url.Length : path;
        var at = end > start ? url.LastIndexOf('@', end - 1, end - start) : -1;
        var colon = at < 0 ? -1 : url.IndexOf(':', start, at - start);
        return colon < 0 ? url : url[..(colon + 1)] + Redaction.Mask + url[at..];
    }
}

using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Cli;

/// <summary>The connection options every command takes, and the client options they make.</summary>
internal class ConnectionSettings : CommandSettings
{
    [CommandOption("--url <URL>")]
    [Description("stomp://user:pass@host:port/vhost?heart-beat=cx,cy; the options below override its parts.")]
    public string? Url { get; set; }

    [CommandOption("-H|--host <HOST>")]
    [Description("Broker host (default localhost).")]
    public string? Host { get; set; }

    [CommandOption("-P|--port <PORT>")]
    [Description("Broker STOMP port (default 61613).")]
    public string? Port { get; set; }

    [CommandOption("-U|--user <USER>")]
    [Description("Login.")]
    public string? User { get; set; }

    [CommandOption("-W|--password <PASSWORD>")]
    [Description("Passcode; never printed.")]
    public string? Password { get; set; }

    [CommandOption("--vhost <VHOST>")]
    [Description("Virtual host, the CONNECT host header (default /).")]
    public string? VirtualHost { get; set; }

    [CommandOption("-S|--protocol <VERSION>")]
    [Description("Pin the STOMP version: 1.0, 1.1 or 1.2 (default: offer all); or multicast: no broker, a UDP multicast group (-H, -P; default 224.1.1.1:5000), as stomp.py's.")]
    public string? Protocol { get; set; }

    [CommandOption("--multicast-interface <ADDRESS>")]
    [Description("With -S multicast: the local interface to join the group on (default: any; 127.0.0.1 keeps it on this machine).")]
    public string? MulticastInterface { get; set; }

    [CommandOption("--heartbeats <CX,CY>")]
    [Description("Heart-beats in milliseconds: cx (we send), cy (we want), e.g. 10000,10000.")]
    public string? Heartbeats { get; set; }

    [CommandOption("--ssl")]
    [Description("Connect over TLS (stomp+ssl; default port 61614), verifying the broker's certificate. Implied by the --ssl-* options.")]
    public bool Ssl { get; set; }

    [CommandOption("--ssl-ca-file <FILE>")]
    [Description("PEM file of the CA(s) to trust instead of the system store.")]
    public string? SslCaFile { get; set; }

    [CommandOption("--ssl-cert-file <FILE>")]
    [Description("Client certificate for mutual TLS: a .pfx/.p12, or PEM (key in --ssl-key-file).")]
    public string? SslCertFile { get; set; }

    [CommandOption("--ssl-key-file <FILE>")]
    [Description("PEM private key of --ssl-cert-file. Its password (or the .pfx's) is read from $" + KeyPasswordVariable + ", or asked for with --ssl-key-password-prompt.")]
    public string? SslKeyFile { get; set; }

    [CommandOption("--ssl-key-password-prompt")]
    [Description("Ask for the key password on the terminal, without echo.")]
    public bool SslKeyPasswordPrompt { get; set; }

    /// <summary>The environment variable holding the client key's password: never on the command line, where <c>ps</c> shows it.</summary>
    public const string KeyPasswordVariable = "RXSTOMP_SSL_KEY_PASSWORD";

    [CommandOption("-V|--verbose")]
    [Description("Log to stderr at Debug level.")]
    public bool Verbose { get; set; }

    /// <summary>The client options: the URL's, or the defaults, then each explicit option over them.</summary>
    /// <exception cref="UsageException">An option value is malformed.</exception>
    public StompClientOptions ToClientOptions(ILoggerFactory loggerFactory)
    {
        var options = new StompClientOptions();
        if (MulticastOption.IsRequested(Protocol))
        {
            return Multicast(options with { LoggerFactory = loggerFactory });
        }

        if (MulticastInterface is not null)
        {
            throw new UsageException("--multicast-interface goes with -S multicast.");
        }

        if (Url is not null)
        {
            options = Usage("--url", () => StompClientOptions.Parse(Url));
        }

        var tls = Ssl || SslCaFile is not null || SslCertFile is not null || SslKeyFile is not null;
        if (Host is not null || Port is not null)
        {
            var first = options.Endpoints[0];
            var port = Port is null ? (int?)null : ParsePort(Port);
            options = options with
            {
                Endpoints = Host is null
                    ? options.Endpoints.Select(e => e with { Port = port ?? e.Port }).ToArray()
                    : [first with { Host = Host, Port = port ?? (tls && Url is null ? StompEndpoint.DefaultTlsPort : first.Port) }],
            };
        }

        if (tls)
        {
            options = WithTls(options, Url is null && Port is null && Host is null);
        }

        options = options with
        {
            Login = User ?? options.Login,
            Passcode = Password ?? options.Passcode,
            VirtualHost = VirtualHost ?? options.VirtualHost,
            LoggerFactory = loggerFactory,
        };
        if (Protocol is not null)
        {
            options = options with { AcceptVersions = [Usage("--protocol", () => StompVersions.Parse(Protocol))] };
        }

        if (Heartbeats is not null)
        {
            options = options with { Heartbeat = Usage("--heartbeats", () => HeartbeatIntervals.Parse(Heartbeats)) };
        }

        return Usage("connection options", options.Validate);
    }

    /// <summary>-S multicast: a group and a port instead of a broker; nothing of a broker's (URL, TLS, heart-beats) applies.</summary>
    private StompClientOptions Multicast(StompClientOptions options)
    {
        if (Url is not null || Heartbeats is not null || Ssl || SslCaFile is not null || SslCertFile is not null || SslKeyFile is not null)
        {
            throw new UsageException("-S multicast takes the group as -H and -P: --url, --heartbeats and the --ssl options do not apply.");
        }

        var group = MulticastOption.Apply(options, Host, Port is null ? null : ParsePort(Port), MulticastInterface);
        return Usage("connection options", group.Validate);
    }

    /// <summary>Plain TCP endpoints become TLS ones (on 61614 when no port was chosen), with the --ssl-* files.</summary>
    private StompClientOptions WithTls(StompClientOptions options, bool defaultPort)
    {
        var endpoints = options.Endpoints.Select(e => e.Kind switch
        {
            StompTransportKind.Tcp => e with { Kind = StompTransportKind.Tls, Port = defaultPort ? StompEndpoint.DefaultTlsPort : e.Port },
            StompTransportKind.WebSocket => e with { Kind = StompTransportKind.SecureWebSocket },
            _ => e,
        }).ToArray();
        var settings = options.Tls with
        {
            CaFile = SslCaFile ?? options.Tls.CaFile,
            ClientCertificateFile = SslCertFile ?? options.Tls.ClientCertificateFile,
            ClientKeyFile = SslKeyFile ?? options.Tls.ClientKeyFile,
            ClientKeyPassword = SslCertFile is null && SslKeyFile is null ? options.Tls.ClientKeyPassword : ReadKeyPassword(),
        };
        return options with { Endpoints = endpoints, Tls = settings };
    }

    /// <summary>The key password: asked for without echo, or from the environment, or none.</summary>
    private string? ReadKeyPassword()
    {
        if (!SslKeyPasswordPrompt)
        {
            return Environment.GetEnvironmentVariable(KeyPasswordVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        }

        if (Console.IsInputRedirected)
        {
            throw new UsageException($"--ssl-key-password-prompt needs a terminal; set {KeyPasswordVariable} instead.");
        }

        return AnsiConsole.Prompt(new TextPrompt<string>("Key password:").Secret(null).AllowEmpty());
    }

    /// <summary>Console logging at Debug on stderr with --verbose, else none.</summary>
    public ILoggerFactory CreateLoggerFactory() => LoggerFactory.Create(builder =>
    {
        if (Verbose)
        {
            builder.SetMinimumLevel(LogLevel.Debug)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    });

    private static int ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new UsageException($"--port: '{text}' is not a port number (1-65535).");

    private static T Usage<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException($"{option}: {e.Message}", e);
        }
    }
}

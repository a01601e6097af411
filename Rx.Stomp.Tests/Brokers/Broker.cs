using System.Globalization;
using System.Net.Sockets;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A real broker the broker tests run against, reached over one transport: RabbitMQ and ActiveMQ where they listen
/// (their environment variable, else the address that <c>scripts/brokers.sh</c> uses), and the embedded broker,
/// started in this process on first use; how to log in, and for TLS which certificates (the throwaway ones
/// <c>scripts/certs.sh</c> writes). Its <see cref="ToString"/> names the fixtures.
/// </summary>
public sealed class Broker
{
    /// <summary>
    /// The category of every test that needs RabbitMQ or ActiveMQ: <c>--filter TestCategory!=ExternalBroker</c> runs
    /// the rest, which needs nothing outside the test process (the embedded broker included).
    /// </summary>
    public const string ExternalCategory = "ExternalBroker";

    /// <summary>RabbitMQ's STOMP plugin over TCP (guest/guest, virtual host <c>/</c>).</summary>
    public static Broker RabbitMq { get; } = new(BrokerKind.RabbitMq, "TCP", "RXSTOMP_RABBITMQ", "127.0.0.1:61613");

    /// <summary>ActiveMQ Classic over TCP (users guest/guest and admin/admin).</summary>
    public static Broker ActiveMq { get; } = new(BrokerKind.ActiveMq, "TCP", "RXSTOMP_ACTIVEMQ", "127.0.0.1:61623");

    /// <summary>RabbitMQ's STOMP+TLS listener, trusting the test CA, no client certificate.</summary>
    public static Broker RabbitMqTls { get; } = new(BrokerKind.RabbitMq, "TLS", "RXSTOMP_RABBITMQ_TLS", "stomp+ssl://127.0.0.1:61614");

    /// <summary>The same listener with the test client certificate (RabbitMQ verifies it: verify_peer).</summary>
    public static Broker RabbitMqMutualTls { get; } = new(BrokerKind.RabbitMq, "mutual TLS", "RXSTOMP_RABBITMQ_TLS", "stomp+ssl://127.0.0.1:61614", clientCertificate: true);

    /// <summary>RabbitMQ Web-STOMP.</summary>
    public static Broker RabbitMqWebSocket { get; } = new(BrokerKind.RabbitMq, "ws", "RXSTOMP_RABBITMQ_WS", "ws://127.0.0.1:15674/ws");

    /// <summary>RabbitMQ Web-STOMP over TLS.</summary>
    public static Broker RabbitMqSecureWebSocket { get; } = new(BrokerKind.RabbitMq, "wss", "RXSTOMP_RABBITMQ_WSS", "wss://127.0.0.1:15673/ws");

    /// <summary>ActiveMQ's stomp+ssl connector, no client certificate asked.</summary>
    public static Broker ActiveMqTls { get; } = new(BrokerKind.ActiveMq, "TLS", "RXSTOMP_ACTIVEMQ_TLS", "stomp+ssl://127.0.0.1:61624");

    /// <summary>ActiveMQ's stomp+ssl connector that requires a client certificate (needClientAuth=true).</summary>
    public static Broker ActiveMqMutualTls { get; } = new(BrokerKind.ActiveMq, "mutual TLS", "RXSTOMP_ACTIVEMQ_MTLS", "stomp+ssl://127.0.0.1:61625", clientCertificate: true);

    /// <summary>Rx.Stomp's own embedded broker over TCP (user guest/guest), one for the whole test run.</summary>
    public static Broker Embedded { get; } = new(BrokerKind.Embedded, "TCP", null, null);

    /// <summary>Every broker over TCP: each scenario runs against all of them.</summary>
    public static IReadOnlyList<Broker> All { get; } = [RabbitMq, ActiveMq, Embedded];

    /// <summary>Every broker over every other transport it offers: the core scenarios run over these too.</summary>
    public static IReadOnlyList<Broker> OtherTransports { get; } =
        [RabbitMqTls, RabbitMqMutualTls, RabbitMqWebSocket, RabbitMqSecureWebSocket, ActiveMqTls, ActiveMqMutualTls];

    /// <summary>Where <c>scripts/certs.sh</c> wrote the test CA and certificates.</summary>
    public static string CertificateDirectory { get; } = System.IO.Path.Combine(
        Environment.GetEnvironmentVariable("RXSTOMP_BROKER_DIR") is { Length: > 0 } dir ? dir : "/tmp/rxstomp-brokers", "certs");

    /// <summary>A file of <see cref="CertificateDirectory"/>.</summary>
    public static string Certificate(string name) => System.IO.Path.Combine(CertificateDirectory, name);

    /// <summary>The password of the test client certificate's PKCS#12 file and encrypted PEM key.</summary>
    public static string ClientCertificatePassword => File.ReadAllText(Certificate("client.password")).Trim();

    /// <summary>TLS settings that trust the test CA (and present the test client certificate when <paramref name="clientCertificate"/>).</summary>
    public static StompTlsOptions TestTls(bool clientCertificate = false) => new()
    {
        CaFile = Certificate("ca.crt"),
        ClientCertificateFile = clientCertificate ? Certificate("client.pfx") : null,
        ClientKeyPassword = clientCertificate ? ClientCertificatePassword : null,
    };

    private readonly Lazy<Task<string?>> _problem;
    private readonly bool _clientCertificate;
    private StompBroker? _embedded;

    private Broker(BrokerKind kind, string transport, string? environmentVariable, string? defaultAddress, bool clientCertificate = false)
    {
        Kind = kind;
        Name = kind switch { BrokerKind.RabbitMq => "RabbitMQ", BrokerKind.ActiveMq => "ActiveMQ", _ => "Embedded" };
        Transport = transport;
        EnvironmentVariable = environmentVariable;
        var configured = environmentVariable is null ? null : Environment.GetEnvironmentVariable(environmentVariable);
        IsRequired = kind == BrokerKind.Embedded || !string.IsNullOrWhiteSpace(configured);
        // A host:port in the variable is reached the way the default address says; the embedded broker's port is known once started.
        Endpoint = defaultAddress is null
            ? new StompEndpoint("127.0.0.1", 0)
            : ParseEndpoint(string.IsNullOrWhiteSpace(configured) ? defaultAddress : configured.Trim(), ParseEndpoint(defaultAddress, StompTransportKind.Tcp).Kind);
        _clientCertificate = clientCertificate;
        _problem = new Lazy<Task<string?>>(kind == BrokerKind.Embedded ? StartEmbeddedAsync : ProbeAsync);
    }

    /// <summary>Which broker this is (they differ in how they refuse frames and treat NACK).</summary>
    public BrokerKind Kind { get; }

    /// <summary>How the broker is reached: <c>TCP</c>, <c>TLS</c>, <c>mutual TLS</c>, <c>ws</c> or <c>wss</c>.</summary>
    public string Transport { get; }

    /// <summary>The broker's name, e.g. <c>RabbitMQ</c>.</summary>
    public string Name { get; }

    /// <summary>The variable that names its address, set by <c>scripts/test.sh</c> (CI); none for the embedded broker.</summary>
    public string? EnvironmentVariable { get; }

    /// <summary>Whether the variable is set (or the broker is embedded): then an unreachable broker fails the tests instead of skipping them.</summary>
    public bool IsRequired { get; }

    /// <summary>Where it listens for STOMP (for the embedded broker: once <see cref="RequireAsync"/> has started it).</summary>
    public StompEndpoint Endpoint { get; private set; }

    /// <summary>A login it accepts.</summary>
    public string Login { get; } = "guest";

    /// <summary>The passcode of <see cref="Login"/>.</summary>
    public string Passcode { get; } = "guest";

    /// <summary>Whether this is RabbitMQ.</summary>
    public bool IsRabbitMq => Kind == BrokerKind.RabbitMq;

    /// <summary>
    /// Whether it keeps the connection after an ERROR for a refused frame, as RabbitMQ and ActiveMQ do. The embedded
    /// broker closes it, as the specification says a server does; the client then reconnects by itself.
    /// </summary>
    public bool KeepsConnectionAfterError => Kind != BrokerKind.Embedded;

    /// <summary>The embedded broker itself, for its fault injection (null for the others, or before <see cref="RequireAsync"/>).</summary>
    public StompBroker? EmbeddedBroker => _embedded;

    /// <summary>The TLS settings of this broker's endpoint, or null when it is not reached over TLS.</summary>
    public StompTlsOptions? Tls => Endpoint.Kind.UsesTls() ? TestTls(_clientCertificate) : null;

    /// <summary>How the <c>server</c> header of its CONNECTED starts.</summary>
    public string ServerPrefix => Kind == BrokerKind.Embedded ? "Rx.Stomp.Broker/" : Name + "/";

    /// <summary>Fails the test (variable set) or ignores it (variable unset) when the broker does not accept TCP connections.</summary>
    public async Task RequireAsync()
    {
        var problem = await _problem.Value.ConfigureAwait(false);
        if (problem is null)
        {
            return;
        }

        if (IsRequired)
        {
            Assert.Fail($"{Name} is not accepting connections at {Endpoint}, although {EnvironmentVariable} names it: {problem}");
        }

        SkippedFixtures.Skip($"{this} is not running at {Endpoint} ({problem}). Start it with scripts/brokers.sh start, or set {EnvironmentVariable}=host:port.");
    }

    /// <summary>The rxstomp options that reach this broker without credentials (over TCP or TLS; the client certificate as PEM).</summary>
    public IReadOnlyList<string> AddressArgs =>
    [
        "-H", Endpoint.Host, "-P", Endpoint.Port.ToString(CultureInfo.InvariantCulture),
        .. Endpoint.Kind == StompTransportKind.Tls ? ["--ssl", "--ssl-ca-file", Certificate("ca.crt")] : Array.Empty<string>(),
        .. _clientCertificate ? ["--ssl-cert-file", Certificate("client.crt"), "--ssl-key-file", Certificate("client-encrypted.key")] : Array.Empty<string>(),
    ];

    /// <summary>The rxstomp options that reach this broker as <see cref="Login"/>.</summary>
    public IReadOnlyList<string> Args => [.. AddressArgs, "-U", Login, "-W", Passcode];

    /// <summary>Options that connect to this broker as <see cref="Login"/>, pinned to <paramref name="version"/> if given.</summary>
    public StompClientOptions Options(StompVersion? version = null) => new()
    {
        Endpoints = [Endpoint],
        Tls = Tls ?? StompTlsOptions.Default,
        Login = Login,
        Passcode = Passcode,
        AcceptVersions = version is { } v ? [v] : StompVersions.All,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ReceiptTimeout = TimeSpan.FromSeconds(10),
        DisconnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>A fixture of this broker with <paramref name="arguments"/>, in <see cref="ExternalCategory"/> unless it is embedded.</summary>
    public TestFixtureData Fixture(params object[] arguments)
    {
        var fixture = new TestFixtureData(arguments);
        if (Kind != BrokerKind.Embedded)
        {
            fixture.Properties.Add(NUnit.Framework.Internal.PropertyNames.Category, ExternalCategory);
        }

        return fixture;
    }

    /// <inheritdoc />
    public override string ToString() => Transport == "TCP" ? Name : $"{Name} over {Transport}";

    /// <summary>Stops the embedded broker if it was started (at the end of the run).</summary>
    internal async Task StopAsync()
    {
        if (_embedded is { } broker)
        {
            await broker.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<string?> StartEmbeddedAsync()
    {
        _embedded = await StompBroker.StartAsync(new StompBrokerOptions
        {
            Users = new Dictionary<string, string> { [Login] = Passcode },
        }).ConfigureAwait(false);
        Endpoint = _embedded.Endpoint;
        return null;
    }

    private async Task<string?> ProbeAsync()
    {
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await socket.ConnectAsync(Endpoint.Host, Endpoint.Port, timeout.Token).ConfigureAwait(false);
            if (Tls is not null && !File.Exists(Certificate("ca.crt")))
            {
                return $"no test CA at {Certificate("ca.crt")} (scripts/certs.sh writes it)";
            }

            return null;
        }
        catch (OperationCanceledException)
        {
            return "no answer within 3 s";
        }
        catch (SocketException e)
        {
            return e.Message;
        }
    }

    /// <summary>A URL (<c>wss://127.0.0.1:15673/ws</c>), or <c>host:port</c> reached by <paramref name="kind"/>.</summary>
    private static StompEndpoint ParseEndpoint(string address, StompTransportKind kind)
    {
        if (address.Contains("://", StringComparison.Ordinal))
        {
            return StompClientOptions.Parse(address).Endpoints[0];
        }

        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"'{address}' is not host:port.");
        }

        return new StompEndpoint(address[..colon].Trim('[', ']'), port) { Kind = kind };
    }
}

/// <summary>The brokers the scenarios run against.</summary>
public enum BrokerKind
{
    /// <summary>RabbitMQ with its STOMP plugin.</summary>
    RabbitMq,

    /// <summary>ActiveMQ Classic.</summary>
    ActiveMq,

    /// <summary>Rx.Stomp's embedded broker.</summary>
    Embedded,
}

/// <summary>Stops the embedded broker once every broker test has run.</summary>
[SetUpFixture]
public sealed class EmbeddedBrokerLifetime
{
    [OneTimeTearDown]
    public Task StopEmbeddedBroker() => Broker.Embedded.StopAsync();
}

/// <summary>The fixture sources: every broker, and every broker with every STOMP version.</summary>
public static class BrokerCases
{
    /// <summary>One fixture per broker.</summary>
    public static IEnumerable<TestFixtureData> Brokers() =>
        Broker.All.Select(b => b.Fixture(b).SetArgDisplayNames(b.Name));

    /// <summary>One fixture per broker and STOMP version (the client pins the version).</summary>
    public static IEnumerable<TestFixtureData> BrokersAndVersions() =>
        from b in Broker.All
        from v in StompVersions.All
        select b.Fixture(b, v).SetArgDisplayNames(b.Name, "STOMP " + v.ToWire());

    /// <summary>
    /// <see cref="BrokersAndVersions"/>, plus every broker over each of its other transports (TLS, mutual TLS, ws,
    /// wss) with STOMP 1.2: the framing does not depend on the transport, so the versions need not be multiplied.
    /// </summary>
    public static IEnumerable<TestFixtureData> BrokersVersionsAndTransports() =>
        BrokersAndVersions().Concat(
            from b in Broker.OtherTransports
            select b.Fixture(b, StompVersion.V12).SetArgDisplayNames(b.ToString(), "STOMP 1.2"));
}

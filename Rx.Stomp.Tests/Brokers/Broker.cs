using System.Globalization;
using System.Net.Sockets;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A real broker the broker tests run against: RabbitMQ and ActiveMQ where they listen (their environment
/// variable, else the port that <c>scripts/brokers.sh</c> uses), and the embedded broker, started in this process
/// on first use; how to log in. Its <see cref="ToString"/> names the fixtures.
/// </summary>
public sealed class Broker
{
    /// <summary>RabbitMQ's STOMP plugin (guest/guest, virtual host <c>/</c>).</summary>
    public static Broker RabbitMq { get; } = new(BrokerKind.RabbitMq, "RabbitMQ", "RXSTOMP_RABBITMQ", "127.0.0.1:61613");

    /// <summary>ActiveMQ Classic (users guest/guest and admin/admin).</summary>
    public static Broker ActiveMq { get; } = new(BrokerKind.ActiveMq, "ActiveMQ", "RXSTOMP_ACTIVEMQ", "127.0.0.1:61623");

    /// <summary>Rx.Stomp's own embedded broker (user guest/guest), one for the whole test run.</summary>
    public static Broker Embedded { get; } = new(BrokerKind.Embedded, "Embedded", null, null);

    /// <summary>Every broker: each scenario runs against all of them.</summary>
    public static IReadOnlyList<Broker> All { get; } = [RabbitMq, ActiveMq, Embedded];

    private readonly Lazy<Task<string?>> _problem;
    private StompBroker? _embedded;

    private Broker(BrokerKind kind, string name, string? environmentVariable, string? defaultAddress)
    {
        Kind = kind;
        Name = name;
        EnvironmentVariable = environmentVariable;
        var configured = environmentVariable is null ? null : Environment.GetEnvironmentVariable(environmentVariable);
        IsRequired = kind == BrokerKind.Embedded || !string.IsNullOrWhiteSpace(configured);
        Endpoint = defaultAddress is null ? new StompEndpoint("127.0.0.1", 0) : ParseEndpoint(string.IsNullOrWhiteSpace(configured) ? defaultAddress : configured.Trim());
        _problem = new Lazy<Task<string?>>(kind == BrokerKind.Embedded ? StartEmbeddedAsync : ProbeAsync);
    }

    /// <summary>Which broker this is (they differ in how they refuse frames and treat NACK).</summary>
    public BrokerKind Kind { get; }

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

    /// <summary>How the <c>server</c> header of its CONNECTED starts.</summary>
    public string ServerPrefix => Kind == BrokerKind.Embedded ? "Rx.Stomp.Broker/" : Name + "/";

    /// <summary>
    /// Fails the test (variable set) or ignores it (variable unset) when the broker does not accept TCP connections;
    /// starts the embedded broker on first use.
    /// </summary>
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

        Assert.Ignore($"{Name} is not running at {Endpoint} ({problem}). Start it with scripts/brokers.sh start, or set {EnvironmentVariable}=host:port.");
    }

    /// <summary>The rxstomp options that reach this broker without credentials.</summary>
    public IReadOnlyList<string> AddressArgs => ["-H", Endpoint.Host, "-P", Endpoint.Port.ToString(CultureInfo.InvariantCulture)];

    /// <summary>The rxstomp options that reach this broker as <see cref="Login"/>.</summary>
    public IReadOnlyList<string> Args => [.. AddressArgs, "-U", Login, "-W", Passcode];

    /// <summary>Options that connect to this broker as <see cref="Login"/>, pinned to <paramref name="version"/> if given.</summary>
    public StompClientOptions Options(StompVersion? version = null) => new()
    {
        Endpoints = [Endpoint],
        Login = Login,
        Passcode = Passcode,
        AcceptVersions = version is { } v ? [v] : StompVersions.All,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ReceiptTimeout = TimeSpan.FromSeconds(10),
        DisconnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <inheritdoc />
    public override string ToString() => Name;

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

    private static StompEndpoint ParseEndpoint(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"'{address}' is not host:port.");
        }

        return new StompEndpoint(address[..colon].Trim('[', ']'), port);
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
        Broker.All.Select(b => new TestFixtureData(b).SetArgDisplayNames(b.Name));

    /// <summary>One fixture per broker and STOMP version (the client pins the version).</summary>
    public static IEnumerable<TestFixtureData> BrokersAndVersions() =>
        from b in Broker.All
        from v in StompVersions.All
        select new TestFixtureData(b, v).SetArgDisplayNames(b.Name, "STOMP " + v.ToWire());
}

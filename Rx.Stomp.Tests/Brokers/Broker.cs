using System.Globalization;
using System.Net.Sockets;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// A real broker the broker tests run against: where it listens (its environment variable, else the port that
/// <c>scripts/brokers.sh</c> uses) and how to log in. Its <see cref="ToString"/> names the fixtures.
/// </summary>
public sealed class Broker
{
    /// <summary>RabbitMQ's STOMP plugin (guest/guest, virtual host <c>/</c>).</summary>
    public static Broker RabbitMq { get; } = new("RabbitMQ", "RXSTOMP_RABBITMQ", "127.0.0.1:61613", "guest", "guest");

    /// <summary>ActiveMQ Classic (users guest/guest and admin/admin).</summary>
    public static Broker ActiveMq { get; } = new("ActiveMQ", "RXSTOMP_ACTIVEMQ", "127.0.0.1:61623", "guest", "guest");

    /// <summary>Every broker: each scenario runs against all of them.</summary>
    public static IReadOnlyList<Broker> All { get; } = [RabbitMq, ActiveMq];

    private readonly Lazy<Task<string?>> _problem;

    private Broker(string name, string environmentVariable, string defaultAddress, string login, string passcode)
    {
        Name = name;
        EnvironmentVariable = environmentVariable;
        var configured = Environment.GetEnvironmentVariable(environmentVariable);
        IsRequired = !string.IsNullOrWhiteSpace(configured);
        Endpoint = ParseEndpoint(IsRequired ? configured!.Trim() : defaultAddress);
        Login = login;
        Passcode = passcode;
        _problem = new Lazy<Task<string?>>(ProbeAsync);
    }

    /// <summary>The broker's name, e.g. <c>RabbitMQ</c>.</summary>
    public string Name { get; }

    /// <summary>The variable that names its address, set by <c>scripts/test.sh</c> (CI).</summary>
    public string EnvironmentVariable { get; }

    /// <summary>Whether the variable is set: then an unreachable broker fails the tests instead of skipping them.</summary>
    public bool IsRequired { get; }

    /// <summary>Where it listens for STOMP.</summary>
    public StompEndpoint Endpoint { get; }

    /// <summary>A login it accepts.</summary>
    public string Login { get; }

    /// <summary>The passcode of <see cref="Login"/>.</summary>
    public string Passcode { get; }

    /// <summary>Whether this is RabbitMQ (the brokers differ in how they refuse frames and treat NACK).</summary>
    public bool IsRabbitMq => ReferenceEquals(this, RabbitMq);

    /// <summary>How the <c>server</c> header of its CONNECTED starts.</summary>
    public string ServerPrefix => Name + "/";

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

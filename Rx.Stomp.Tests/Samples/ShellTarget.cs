using System.Globalization;
using Rx.Stomp.Broker;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// A broker that rxstomp's shell tests run against: the real RabbitMQ (<see cref="Brokers.Broker.RabbitMq"/>), or an
/// embedded <see cref="StompBroker"/> started in the test process. Start it in a fixture's one-time set-up.
/// </summary>
public sealed class ShellTarget : IAsyncDisposable
{
    public const string Embedded = "Embedded";
    public const string RabbitMq = "RabbitMQ";

    private ShellTarget(string name, IReadOnlyList<string> args, StompBroker? broker)
    {
        Name = name;
        Args = args;
        EmbeddedBroker = broker;
    }

    public string Name { get; }

    /// <summary>The rxstomp options that reach the broker and log in.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>The embedded broker, for fault injection; null for RabbitMQ.</summary>
    public StompBroker? EmbeddedBroker { get; }

    /// <summary>The fixture arguments: each target by name.</summary>
    public static IEnumerable<TestFixtureData> Names() =>
        [new TestFixtureData(Embedded).SetArgDisplayNames(Embedded), Brokers.Broker.RabbitMq.Fixture(RabbitMq).SetArgDisplayNames(RabbitMq)];

    /// <summary>Starts the embedded broker, or checks that RabbitMQ is up (failing or ignoring the test as <see cref="Brokers.Broker.RequireAsync"/> does).</summary>
    public static async Task<ShellTarget> StartAsync(string name)
    {
        if (name == RabbitMq)
        {
            await Brokers.Broker.RabbitMq.RequireAsync();
            return new ShellTarget(name, Brokers.Broker.RabbitMq.Args, null);
        }

        var broker = await StompBroker.StartAsync();
        return new ShellTarget(name, ["-H", broker.Endpoint.Host, "-P", broker.Endpoint.Port.ToString(CultureInfo.InvariantCulture)], broker);
    }

    public override string ToString() => Name;

    public async ValueTask DisposeAsync()
    {
        if (EmbeddedBroker is { } broker)
        {
            await broker.DisposeAsync();
        }
    }
}

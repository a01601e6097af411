using System.Globalization;
using System.Net.Sockets;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// The RabbitMQ broker the rxstomp tests run against: 127.0.0.1:61613 with guest/guest, or RXSTOMP_RABBITMQ
/// (<c>host[:port]</c>, or a <c>stomp://user:pass@host:port/vhost</c> URL). Unreachable: the tests fail if the
/// variable is set, and are ignored if not.
/// </summary>
internal sealed record RabbitMqBroker(string Host, int Port, string? Url)
{
    public const string Variable = "RXSTOMP_RABBITMQ";

    /// <summary>The connection options that reach this broker, valid credentials included.</summary>
    public IReadOnlyList<string> Args =>
        Url is not null ? ["--url", Url] : ["-H", Host, "-P", Port.ToString(CultureInfo.InvariantCulture), "-U", "guest", "-W", "guest"];

    /// <summary>The connection options of this broker without the credentials.</summary>
    public IReadOnlyList<string> AddressArgs => ["-H", Host, "-P", Port.ToString(CultureInfo.InvariantCulture)];

    public static RabbitMqBroker FromEnvironment()
    {
        var setting = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(setting))
        {
            return new RabbitMqBroker("127.0.0.1", 61613, null);
        }

        if (setting.Contains("://", StringComparison.Ordinal))
        {
            var uri = new Uri(setting);
            return new RabbitMqBroker(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 61613 : uri.Port, setting);
        }

        var colon = setting.LastIndexOf(':');
        return colon < 0
            ? new RabbitMqBroker(setting, 61613, null)
            : new RabbitMqBroker(setting[..colon], int.Parse(setting[(colon + 1)..], CultureInfo.InvariantCulture), null);
    }

    /// <summary>Ignores the test when the default broker is not there; fails it when RXSTOMP_RABBITMQ names one that is not.</summary>
    public async Task RequireAsync()
    {
        try
        {
            using var tcp = new TcpClient();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await tcp.ConnectAsync(Host, Port, limit.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            var message = $"RabbitMQ is not reachable at {Host}:{Port}: {e.Message}";
            if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 })
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message + $" (set {Variable} to require it)");
        }
    }
}

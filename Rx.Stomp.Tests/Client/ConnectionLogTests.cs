using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// What an operator reads in the log about the connection at Information: where the client connected and with which
/// version, a disconnect, and a DISCONNECT the broker never confirmed. (A failed endpoint and a lost connection, at
/// Warning: <see cref="SupervisorTests"/>.)
/// </summary>
public class ConnectionLogTests
{
    [Test]
    public async Task Connecting_and_disconnecting_name_the_endpoint_and_the_version()
    {
        using var logs = new CapturingLoggerFactory();
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { LoggerFactory = logs });
        var connection = await broker.Transport.ConnectClientAsync(client, version: StompVersion.V11);

        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(logs.Text, Does.Contain($"Information Connected to {connection.Endpoint} with STOMP 1.1"));
        Assert.That(logs.Text, Does.Contain($"Information Disconnected from {connection.Endpoint}"));
    }

    [Test]
    public async Task A_DISCONNECT_never_confirmed_is_logged_with_its_timeout_and_the_socket_closes_anyway()
    {
        using var logs = new CapturingLoggerFactory();
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync(o => o with { LoggerFactory = logs, DisconnectTimeout = TimeSpan.FromSeconds(2) });
        connection.AnswersDisconnect = false;

        var disconnecting = client.DisconnectAsync();
        var disconnect = await connection.ExpectAsync(StompCommand.Disconnect);
        await broker.Clock.WhenScheduledAsync(TimeSpan.FromSeconds(2));
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(2));
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);
        await connection.ClientClosed.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(logs.Text, Does.Contain($"Information No receipt for DISCONNECT (No RECEIPT for DISCONNECT ({disconnect.Headers["receipt"]}) within 2 s.); closing anyway"));
    }
}

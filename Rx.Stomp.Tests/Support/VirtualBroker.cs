using Rx.Stomp.Client;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// Clients on a <see cref="VirtualClock"/> over an <see cref="InMemoryTransport"/> whose broker side the test scripts:
/// no socket, and time moves only when the test moves it. Disposing it disposes the clients, then the transport.
/// </summary>
internal sealed class VirtualBroker : IAsyncDisposable
{
    /// <summary>
    /// Reconnection without jitter, one second doubling at each failure: attempts at +0 (at once), +1 s, +3 s, +7 s…
    /// after a connection is lost.
    /// </summary>
    public static readonly BackoffPolicy Doubling = BackoffPolicy.Reconnect with { InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 2, Jitter = 0 };

    private readonly List<StompClient> _clients = [];

    public VirtualClock Clock { get; } = new();

    public InMemoryTransport Transport { get; } = new();

    /// <summary>Options for a client of this broker: one attempt to connect, <see cref="Doubling"/> to reconnect.</summary>
    public StompClientOptions Options => new()
    {
        Transport = Transport,
        Scheduler = Clock,
        ConnectRetry = Doubling with { MaxAttempts = 1 },
        Reconnect = Doubling,
    };

    /// <summary>A client (not connected), disposed with this broker.</summary>
    public StompClient Client(Func<StompClientOptions, StompClientOptions>? configure = null)
    {
        var client = new StompClient(configure is null ? Options : configure(Options));
        _clients.Add(client);
        return client;
    }

    /// <summary>A client connected through <see cref="InMemoryTransport.ConnectClientAsync"/>, and the broker's side of its connection.</summary>
    public async Task<(StompClient Client, ScriptedConnection Connection)> ConnectAsync(Func<StompClientOptions, StompClientOptions>? configure = null, string heartbeat = "0,0")
    {
        var client = Client(configure);
        return (client, await Transport.ConnectClientAsync(client, heartbeat));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Transport.DisposeAsync();
        Clock.Dispose();
    }
}

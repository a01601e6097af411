using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// What the bench measures against: the null peer it started, the broker the options name, or else an embedded
/// broker in this process (whose CPU and allocations then count in the client's figures).
/// </summary>
internal sealed class BenchTarget : IAsyncDisposable
{
    private readonly PeerProcess? _peer;
    private readonly StompBroker? _broker;

    private BenchTarget(string description, StompClientOptions options, PeerProcess? peer, StompBroker? broker)
    {
        Description = description;
        Options = options;
        _peer = peer;
        _broker = broker;
    }

    public string Description { get; }

    /// <summary>The client options, pointed at the target.</summary>
    public StompClientOptions Options { get; }

    public StompEndpoint Endpoint => Options.Endpoints[0];

    public bool IsNullPeer => _peer is not null;

    /// <param name="settings">What to measure against.</param>
    /// <param name="options">The client options from the command line.</param>
    /// <param name="rawPeer">The built raw_peer, with --peer DIR.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<BenchTarget> StartAsync(BenchSettings settings, StompClientOptions options, RawTools? rawPeer, CancellationToken cancellationToken)
    {
        if (settings.NullPeer)
        {
            var peer = rawPeer is null ? await PeerProcess.StartNullPeerAsync(cancellationToken) : await rawPeer.StartPeerAsync(cancellationToken);
            return new BenchTarget($"null peer ({peer.Name} on port {peer.Port})", At(options, peer.Port), peer, null);
        }

        if (settings.NamesBroker)
        {
            return new BenchTarget($"broker at {options.Endpoints[0]}", options, null, null);
        }

        var broker = await StompBroker.StartAsync(cancellationToken: cancellationToken);
        return new BenchTarget("embedded broker (in this process: its CPU and allocations count as the client's)", At(options, broker.Endpoint.Port), null, broker);
    }

    private static StompClientOptions At(StompClientOptions options, int port) =>
        options with { Endpoints = [new StompEndpoint("127.0.0.1", port)], Login = options.Login ?? "guest", Passcode = options.Passcode ?? "guest" };

    public async ValueTask DisposeAsync()
    {
        _peer?.Dispose();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

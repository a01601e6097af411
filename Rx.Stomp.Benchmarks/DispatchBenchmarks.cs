using BenchmarkDotNet.Attributes;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Benchmarks;

/// <summary>
/// Delivering MESSAGE frames from the read loop to the watcher of their subscription, with N watches live: the cost
/// of routing by <c>subscription</c>, building the <see cref="StompMessage"/> and calling the Rx observer.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet ends the client through [GlobalCleanup]; benchmark classes are not disposed.
public class DispatchBenchmarks
#pragma warning restore CA1001
{
    private const int Messages = 1024;
    private readonly List<IDisposable> _watches = [];
    private StompClient _client = null!;
    private Session _session = null!;
    private Frame[] _frames = [];
    private long _delivered;

    /// <summary>How many watches (subscriptions) are live.</summary>
    [Params(1, 10, 100, 1000)]
    public int Subscriptions { get; set; }

    /// <summary>Registers the watches on a client that is not connected, so that no frame goes out.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _client = new StompClient(new StompClientOptions());
        _session = new Session(_client, _client.Options);
        for (var i = 0; i < Subscriptions; i++)
        {
            _watches.Add(_client.Watch("/queue/bench", new SubscribeOptions { Id = $"sub-{i}" }).Subscribe(_ => _delivered++));
        }

        _frames = Enumerable.Range(0, Messages).Select(i => WireFrames.Message(StompVersion.V12, 128, i, $"sub-{i % Subscriptions}")).ToArray();
    }

    /// <summary>Ends the watches and the client.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _watches.ForEach(w => w.Dispose());
        _client.Dispose();
    }

    /// <summary>Dispatches each frame once.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long Dispatch()
    {
        foreach (var frame in _frames)
        {
            _client.Dispatch(_session, frame);
        }

        return _delivered;
    }
}

using BenchmarkDotNet.Attributes;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Benchmarks;

/// <summary>
/// Delivering MESSAGE frames from a session to the watcher of their subscription, with N watches live: the cost of
/// the session's and the dispatcher's hops, routing by <c>subscription</c>, building the <see cref="StompMessage"/>
/// and calling the Rx observer.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet ends the client through [GlobalCleanup]; benchmark classes are not disposed.
public class DispatchBenchmarks
#pragma warning restore CA1001
{
    private const int Messages = 1024;
    private readonly List<IDisposable> _watches = [];
    private StompClient _client = null!;
    private IObserver<Frame> _session = null!;
    private Frame[] _frames = [];
    private long _delivered;

    /// <summary>How many watches (subscriptions) are live.</summary>
    [Params(1, 10, 100, 1000)]
    public int Subscriptions { get; set; }

    /// <summary>Registers the watches on a client that is not connected, so that no frame goes out, and a session that is never started.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _client = new StompClient(new StompClientOptions());
        var connection = new StompConnection(Stream.Null, new StompEndpoint("localhost", 61613), [StompVersion.V12], FrameLimits.Default, TimeSpan.FromSeconds(1));
        _session = _client.NewSession(connection);
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
            _session.OnNext(frame);
        }

        return _delivered;
    }
}

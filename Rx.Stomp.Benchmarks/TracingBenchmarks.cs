using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tracing;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Benchmarks;

/// <summary>
/// What tracing costs a SEND and a MESSAGE: off (nobody listens to the activity source, the default) it must cost
/// nothing, not a byte; on, a listener records every activity. A SEND goes through a connected client's whole send
/// path to a peer that swallows it; a MESSAGE, carrying a <c>traceparent</c> either way, from a session to one watch.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet ends the clients through [GlobalCleanup]; benchmark classes are not disposed.
public class TracingBenchmarks
#pragma warning restore CA1001
{
    private const int Operations = 1024;
    private readonly ReadOnlyMemory<byte> _body = new byte[128];
    private StompClient _sender = null!;
    private StompClient _receiver = null!;
    private IDisposable? _watch;
    private ActivityListener? _listener;
    private IObserver<Frame> _session = null!;
    private Frame[] _frames = [];
    private long _delivered;

    /// <summary>Whether a listener records the client's activities.</summary>
    [Params(false, true)]
    public bool Tracing { get; set; }

    /// <summary>Connects the sender to the silent peer; gives the receiver a session that is never started, and one watch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Tracing)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == StompTracing.ActivitySourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        _sender = new StompClient(new StompClientOptions { Transport = new SilentPeer() });
        _sender.ConnectAsync().GetAwaiter().GetResult();

        _receiver = new StompClient(new StompClientOptions());
        var connection = new StompConnection(Stream.Null, new StompEndpoint("localhost", 61613), [StompVersion.V12], FrameLimits.Default, TimeSpan.FromSeconds(1));
        _session = _receiver.NewSession(connection);
        _watch = _receiver.Watch("/queue/bench", new SubscribeOptions { Id = "sub-1" }).Subscribe(_ => _delivered++);
        _frames = Enumerable.Range(0, Operations)
            .Select(i => WireFrames.Message(StompVersion.V12, 128, i))
            .Select(m => new Frame(m.Command, m.Headers.Add(TraceHeaders.TraceParent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), m.Body))
            .ToArray();
    }

    /// <summary>Ends the clients and the listener.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _watch?.Dispose();
        _sender.Dispose();
        _receiver.Dispose();
        _listener?.Dispose();
    }

    /// <summary>Sends 128 B to one destination, through <see cref="StompClient.SendAsync(string, ReadOnlyMemory{byte}, SendOptions?, CancellationToken)"/>.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public async Task Send()
    {
        for (var i = 0; i < Operations; i++)
        {
            await _sender.SendAsync("/queue/bench", _body).ConfigureAwait(false);
        }
    }

    /// <summary>Dispatches each MESSAGE once, to the one watch.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long Dispatch()
    {
        foreach (var frame in _frames)
        {
            _session.OnNext(frame);
        }

        return _delivered;
    }
}

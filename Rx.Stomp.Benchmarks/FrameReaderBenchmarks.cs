using System.Buffers;
using BenchmarkDotNet.Attributes;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Benchmarks;

/// <summary>Parsing MESSAGE frames per version and body size, from one buffer (the common case) and across many small segments.</summary>
[MemoryDiagnoser]
public class FrameReaderBenchmarks
{
    private const int Frames = 256;
    private FrameReader _reader = null!;
    private ReadOnlySequence<byte> _contiguous;
    private ReadOnlySequence<byte> _segmented;

    /// <summary>The protocol version.</summary>
    [Params(StompVersion.V10, StompVersion.V11, StompVersion.V12)]
    public StompVersion Version { get; set; }

    /// <summary>The body size in bytes.</summary>
    [Params(16, 128, 4096, 65536)]
    public int BodySize { get; set; }

    /// <summary>Encodes the frames.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _reader = new FrameReader(Version);
        var bytes = WireFrames.Encode(Version, Enumerable.Range(1, Frames).Select(i => WireFrames.Message(Version, BodySize, i)));
        _contiguous = new ReadOnlySequence<byte>(bytes);
        _segmented = Segments.Split(bytes, 4096);
    }

    /// <summary>Reads every frame from one contiguous buffer.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public int Contiguous() => ReadAll(_contiguous);

    /// <summary>Reads every frame from 4 KiB segments, as a pipe hands them over.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int Segmented() => ReadAll(_segmented);

    private int ReadAll(ReadOnlySequence<byte> buffer)
    {
        var count = 0;
        while (_reader.TryRead(ref buffer, out _))
        {
            count++;
        }

        return count;
    }
}

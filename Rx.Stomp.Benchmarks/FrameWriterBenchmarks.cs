using System.Buffers;
using BenchmarkDotNet.Attributes;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Benchmarks;

/// <summary>Encoding SEND frames per version and body size; the writer should allocate nothing.</summary>
[MemoryDiagnoser]
public class FrameWriterBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(8 * 1024 * 1024);
    private FrameWriter _writer = null!;
    private Frame _frame = null!;

    /// <summary>The protocol version.</summary>
    [Params(StompVersion.V10, StompVersion.V11, StompVersion.V12)]
    public StompVersion Version { get; set; }

    /// <summary>The body size in bytes.</summary>
    [Params(16, 128, 4096, 65536, 4194304)]
    public int BodySize { get; set; }

    /// <summary>Builds the frame.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _writer = new FrameWriter(Version);
        _frame = WireFrames.Send(BodySize);
    }

    /// <summary>Writes one SEND.</summary>
    [Benchmark]
    public int Write()
    {
        _output.ResetWrittenCount();
        _writer.Write(_output, _frame);
        return _output.WrittenCount;
    }
}

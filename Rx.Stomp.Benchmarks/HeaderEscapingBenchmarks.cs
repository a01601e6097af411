using System.Buffers;
using BenchmarkDotNet.Attributes;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Benchmarks;

/// <summary>Headers that need escaping (colons, line ends, backslashes) against plain ones, written and read in STOMP 1.2.</summary>
[MemoryDiagnoser]
public class HeaderEscapingBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly FrameWriter _writer = new(StompVersion.V12);
    private readonly FrameReader _reader = new(StompVersion.V12);
    private Frame _frame = null!;
    private byte[] _encoded = [];

    /// <summary>Whether the header values hold characters to escape.</summary>
    [Params(false, true)]
    public bool Escaped { get; set; }

    /// <summary>Builds a SEND with eight custom headers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var value = Escaped ? "urn:order:42\nline two\\end" : "urn-order-42 line two end";
        _frame = new Frame(StompCommand.Send, StompHeaders.Create(
            [.. Enumerable.Range(1, 8).Select(i => ($"x-header-{i}", value + i)), (StompHeaderNames.Destination, "/queue/bench")]));
        _encoded = WireFrames.Encode(StompVersion.V12, [_frame]);
    }

    /// <summary>Writes the frame.</summary>
    [Benchmark]
    public int Write()
    {
        _output.ResetWrittenCount();
        _writer.Write(_output, _frame);
        return _output.WrittenCount;
    }

    /// <summary>Reads the frame.</summary>
    [Benchmark]
    public int Read()
    {
        var buffer = new ReadOnlySequence<byte>(_encoded);
        return _reader.TryRead(ref buffer, out var frame) ? frame.Headers.Count : 0;
    }
}

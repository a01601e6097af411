using System.Buffers;

namespace Rx.Stomp.Benchmarks;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of fixed-size segments, as a pipe delivers large inputs.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] bytes, int size)
    {
        var first = new Segments(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var offset = size; offset < bytes.Length; offset += size)
        {
            var next = new Segments(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)), offset);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}

using System.Buffers;
using System.Text;
using Rx.Stomp.Frames;
using static Rx.Stomp.Tests.Frames.FrameFeeder;

namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// How the writer asks its output for room: a frame with a body of up to 4 KiB in one span (one reservation, one
/// advance); a larger body after the head, in the output's own chunks, without asking for one span that holds it.
/// </summary>
public sealed class FrameWriterReservationTests
{
    [TestCase(0)]
    [TestCase(5)]
    [TestCase(4096)]
    public void A_frame_with_a_body_of_up_to_4_KiB_is_written_into_one_span(int bodyLength)
    {
        var output = new RecordingBufferWriter();
        var frame = new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/q")), new byte[bodyLength]);

        new FrameWriter(StompVersion.V12).Write(output, frame);

        Assert.That(output.Advances, Has.Count.EqualTo(1));
        Assert.That(output.Advances[0], Is.EqualTo(output.Written.Length));
        Assert.That(output.Written, Is.EqualTo(Expected(frame)));
    }

    [TestCase(4097)]
    [TestCase(100_000)]
    public void A_larger_body_follows_the_head_without_a_span_for_the_whole_frame(int bodyLength)
    {
        var output = new RecordingBufferWriter();
        var body = Enumerable.Range(0, bodyLength).Select(i => (byte)(i % 251)).ToArray();
        var frame = new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/q")), body);

        new FrameWriter(StompVersion.V12).Write(output, frame);

        Assert.That(output.Written, Is.EqualTo(Expected(frame)));
        Assert.That(output.SizeHints[0], Is.LessThan(bodyLength), "the first reservation is for the head alone");
        Assert.That(output.Advances, Has.Count.GreaterThan(1));
    }

    private static byte[] Expected(Frame frame) =>
        [.. Bytes($"SEND\ndestination:/q\ncontent-length:{frame.Body.Length}\n\n"), .. frame.Body.ToArray(), 0];

    /// <summary>An output that records what the writer asks of it.</summary>
    private sealed class RecordingBufferWriter : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public List<int> SizeHints { get; } = [];

        public List<int> Advances { get; } = [];

        public byte[] Written => _inner.WrittenSpan.ToArray();

        public void Advance(int count)
        {
            Advances.Add(count);
            _inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            SizeHints.Add(sizeHint);
            return _inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            SizeHints.Add(sizeHint);
            return _inner.GetSpan(sizeHint);
        }
    }
}

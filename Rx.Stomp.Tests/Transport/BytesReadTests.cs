using System.Reactive;
using System.Text;
using System.Threading.Channels;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Transport;

/// <summary>
/// <see cref="StompConnection.BytesRead"/> is the heart-beat monitor's sign of life: every byte counts as soon as it
/// is read, the bytes of a frame that has not fully arrived included, and before the frame is delivered. Pinned on
/// the asynchronous reader (WebSocket, pipes), through a stream that says when the reader asks for more.
/// </summary>
public class BytesReadTests
{
    /// <summary>A stream served chunk by chunk: each read takes the next chunk; <see cref="Reads"/> counts the reads asked for.</summary>
    private sealed class ChunkedStream : Stream
    {
        private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
        private readonly Channel<Unit> _reads = Channel.CreateUnbounded<Unit>();

        /// <summary>One element per read the reader asked for.</summary>
        public ChannelReader<Unit> Reads => _reads.Reader;

        public void Serve(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _reads.Writer.TryWrite(Unit.Default);
            var chunk = await _chunks.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            chunk.CopyTo(buffer);
            return chunk.Length;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class Recorder(Func<Frame, long> onFrame) : IObserver<Frame>
    {
        public List<long> CountsSeen { get; } = [];

        public void OnNext(Frame value) => CountsSeen.Add(onFrame(value));

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    private static StompConnection Open(ChunkedStream stream) =>
        new(stream, new StompEndpoint("127.0.0.1", 61613), StompVersions.All, FrameLimits.Default, TimeSpan.FromSeconds(1));

    [Test]
    public async Task Bytes_of_a_frame_still_arriving_count_as_soon_as_they_are_read()
    {
        using var stream = new ChunkedStream();
        await using var connection = Open(stream);
        connection.Start(new Recorder(_ => 0));
        await stream.Reads.ReadAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        const string Start = "MESSAGE\ndestination:/queue/a\n";
        stream.Serve(Start);
        // The reader asks for more only once it has taken in the chunk it had.
        await stream.Reads.ReadAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(connection.BytesRead, Is.EqualTo(Start.Length), "half a frame is still a sign of life");

        stream.Serve("message-id:1\n");
        await stream.Reads.ReadAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(connection.BytesRead, Is.EqualTo(Start.Length + "message-id:1\n".Length), "bytes examined before are not counted twice");
    }

    [Test]
    public async Task A_frame_counts_before_it_is_delivered()
    {
        using var stream = new ChunkedStream();
        await using var connection = Open(stream);
        var recorder = new Recorder(_ => connection.BytesRead);
        connection.Start(recorder);
        await stream.Reads.ReadAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        const string Beat = "\n";
        stream.Serve(Beat);
        await stream.Reads.ReadAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(recorder.CountsSeen, Is.EqualTo(new long[] { Beat.Length }), "the observer of a heart-beat already sees its byte counted");
    }
}

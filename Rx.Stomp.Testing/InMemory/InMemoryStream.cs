using System.Buffers;
using System.IO.Pipelines;

namespace Rx.Stomp.Testing;

/// <summary>
/// The client's end of an in-memory connection: it reads what the scripted broker writes into one pipe and writes
/// into the other. A read fails with the <see cref="IOException"/> the broker side completed its pipe with (an
/// abort), and returns 0 once the broker side closed it in order.
/// </summary>
internal sealed class InMemoryStream(PipeReader input, PipeWriter output, ClientReads reads) : Stream
{
    private int _disposed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        reads.Asking();
        var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
        var available = result.Buffer;
        if (result.IsCanceled || Volatile.Read(ref _disposed) != 0)
        {
            input.AdvanceTo(available.Start);
            await input.CompleteAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(InMemoryStream));
        }

        var count = (int)Math.Min(available.Length, buffer.Length);
        available.Slice(0, count).CopyTo(buffer.Span);
        input.AdvanceTo(available.GetPosition(count));
        reads.Took(count);
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var result = await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The scripted broker closed the connection.");
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("In-memory connections are asynchronous only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("In-memory connections are asynchronous only.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends the client's side: the broker side reads the end, and a read in progress here ends.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            output.Complete();
            input.CancelPendingRead();
        }

        base.Dispose(disposing);
    }
}

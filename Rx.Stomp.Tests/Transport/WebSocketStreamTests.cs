using System.Net.WebSockets;
using System.Reactive.Disposables;
using Rx.Stomp.Tests.Support;
using WebSocketStream = Rx.Stomp.Transport.WebSocketStream;

namespace Rx.Stomp.Tests.Transport;

/// <summary>WebSocket failures surface as <see cref="IOException"/>, like a socket's, whatever form the WebSocket gives them.</summary>
public class WebSocketStreamTests
{
    [Test]
    public async Task A_send_pending_when_the_socket_is_aborted_fails_with_IOException_not_a_cancellation()
    {
        var wire = new StalledStream();
        using var socket = WebSocket.CreateFromStream(wire, new WebSocketCreationOptions { IsServer = false });
        await using var stream = new WebSocketStream(socket, WebSocketMessageType.Binary, Disposable.Empty);
        var sending = stream.WriteAsync("SEND\n\n\0"u8.ToArray()).AsTask();
        await wire.WriteStarted.WaitAsync(StreamWaits.DefaultTimeout);

        // What a peer going away does under a send: the socket aborts and closes its stream.
        socket.Abort();

        var error = Assert.ThrowsAsync<IOException>(() => sending.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.Message, Does.StartWith("WebSocket send failed"));
    }

    /// <summary>A transport whose writes wait until it is closed, as one whose peer stopped reading.</summary>
    private sealed class StalledStream : Stream
    {
        private readonly TaskCompletionSource _writeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task WriteStarted => _writeStarted.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _writeStarted.TrySetResult();
            await _closed.Task.WaitAsync(cancellationToken);
            throw new ObjectDisposedException(nameof(StalledStream));
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _closed.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}

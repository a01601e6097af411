using System.Text;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Benchmarks;

/// <summary>
/// A broker that answers CONNECT and then takes every frame without a word: a client connected to it measures its
/// own send path, with no socket and no broker on the clock.
/// </summary>
internal sealed class SilentPeer : IStompTransport
{
    public ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Stream>(new SilentStream());

    /// <summary>Reads CONNECTED once, then waits until closed; writes go nowhere.</summary>
    private sealed class SilentStream : DuplexStream
    {
        private readonly byte[] _connected = Encoding.ASCII.GetBytes("CONNECTED\nversion:1.2\n\n\0");
        private readonly CancellationTokenSource _closed = new();
        private int _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read < _connected.Length)
            {
                var n = Math.Min(buffer.Length, _connected.Length - _read);
                _connected.AsMemory(_read, n).CopyTo(buffer);
                _read += n;
                return n;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closed.IsCancellationRequested)
            {
                // Closed: the end of the stream.
            }

            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _closed.Cancel();
                _closed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

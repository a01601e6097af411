using System.Net.Security;

namespace Rx.Stomp.Transport;

/// <summary>
/// An <see cref="SslStream"/> that reports a TLS alert received before the server's first byte as a
/// <see cref="StompTlsException"/>: under TLS 1.3 the server checks the client certificate after the client's
/// handshake has completed, so a refusal arrives on the first read, or on a write that follows it.
/// </summary>
internal sealed class TlsStream(SslStream inner, StompEndpoint endpoint, TlsClientAuthentication tls) : DuplexStream
{
    private bool _readAny;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _readAny = true;
            return read;
        }
        catch (IOException e) when (!_readAny && TlsClientAuthentication.IsTlsError(e))
        {
            throw tls.ServerRefused(endpoint, e);
        }
    }

    /// <summary>A blocking read, for the connection's reader thread: the same failures as <see cref="ReadAsync"/>.</summary>
    public override int Read(Span<byte> buffer)
    {
        try
        {
            var read = inner.Read(buffer);
            _readAny = true;
            return read;
        }
        catch (IOException e) when (!_readAny && TlsClientAuthentication.IsTlsError(e))
        {
            throw tls.ServerRefused(endpoint, e);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (!_readAny && TlsClientAuthentication.IsTlsError(e))
        {
            throw tls.ServerRefused(endpoint, e);
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

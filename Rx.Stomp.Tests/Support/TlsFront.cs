using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// A TLS server in front of a real broker's plain STOMP port, presenting a certificate no broker is configured with
/// (expired, or from an untrusted CA). A client that wrongly accepted the certificate would reach the broker and
/// connect: the refusal tests can fail.
/// </summary>
public sealed class TlsFront : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly StompEndpoint _target;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public TlsFront(StompEndpoint target, string pfxFile, string password)
    {
        _target = target;
        _certificate = X509CertificateLoader.LoadPkcs12FromFile(pfxFile, password);
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The front's address as a <c>stomp+ssl</c> endpoint.</summary>
    public StompEndpoint Endpoint => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port) { Kind = StompTransportKind.Tls };

    /// <summary>How many TCP connections were accepted (each is a TLS handshake tried).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        await using var tls = new SslStream(new NetworkStream(client, ownsSocket: true));
        using var broker = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
            await broker.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            await using var plain = new NetworkStream(broker);
            await Task.WhenAny(tls.CopyToAsync(plain, _stop.Token), plain.CopyToAsync(tls, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            // The client refused the certificate (what the tests expect), or the test ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Dispose();
        await _accepting;
        _certificate.Dispose();
        _stop.Dispose();
    }
}

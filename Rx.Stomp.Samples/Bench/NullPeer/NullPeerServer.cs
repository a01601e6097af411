using System.Net;
using System.Net.Sockets;

namespace Rx.Stomp.Samples.Bench.NullPeer;

/// <summary>The null peer's listener on 127.0.0.1: each connection it accepts is served on a thread of its own.</summary>
internal sealed class NullPeerServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    /// <param name="port">The port, or 0 for one the system picks (see <see cref="Port"/>).</param>
    public NullPeerServer(int port)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(16);
        new Thread(AcceptAll) { IsBackground = true, Name = "null-peer accept" }.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    private void AcceptAll()
    {
        try
        {
            while (true)
            {
                var socket = _listener.Accept();
                socket.NoDelay = true;
                new Thread(new NullPeerSession(socket).Run) { IsBackground = true, Name = "null-peer connection" }.Start();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    public void Dispose() => _listener.Dispose();
}

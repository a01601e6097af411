using System.Net;
using System.Net.Sockets;
using Rx.Stomp.Broker;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Transport;

/// <summary>stomp.py's <c>bind_host_port</c> and <c>keepalive</c>: the socket TcpTransport opens has them.</summary>
public class TcpTransportOptionsTests
{
    [Test]
    public async Task The_socket_is_bound_to_the_local_endpoint_and_has_keep_alive_and_no_delay()
    {
        await using var broker = await StompBroker.StartAsync();
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var transport = new TcpTransport(new TcpTransportOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, port),
            KeepAlive = new TcpKeepAlive(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), 4),
        });

        await using var stream = (NetworkStream)await transport.ConnectAsync(broker.Endpoint, CancellationToken.None);

        Assert.That(((IPEndPoint)stream.Socket.LocalEndPoint!).Port, Is.EqualTo(port));
        Assert.That(stream.Socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive), Is.Not.EqualTo(0));
        Assert.That(stream.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime), Is.EqualTo(30));
        Assert.That(stream.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount), Is.EqualTo(4));
        Assert.That(stream.Socket.NoDelay, Is.True);
    }
}

using System.Net;
using System.Net.Sockets;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// A TCP relay in front of a real broker that can silence the broker's side of the connections it carries while
/// keeping them open: the one fault a real broker will not produce on demand (heart-beats withheld by a peer that
/// stays connected); or drop them, as a network fault would. New connections are relayed normally.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly StompEndpoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Relay> _relays = [];
    private readonly Task _accepting;

    public FaultProxy(StompEndpoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public StompEndpoint Endpoint => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    /// <summary>From now on, nothing the broker sends on the current connections reaches their clients.</summary>
    public void SilenceBroker()
    {
        lock (_relays)
        {
            foreach (var relay in _relays)
            {
                relay.Silenced = true;
            }
        }
    }

    /// <summary>Closes every connection carried so far, both sides at once.</summary>
    public void DropConnections()
    {
        lock (_relays)
        {
            foreach (var relay in _relays)
            {
                relay.Dispose();
            }

            _relays.Clear();
        }
    }

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

            var broker = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await broker.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Dispose();
                broker.Dispose();
                continue;
            }

            var relay = new Relay(client, broker);
            lock (_relays)
            {
                _relays.Add(relay);
            }

            relay.Start(_stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Dispose();
        await _accepting;
        lock (_relays)
        {
            foreach (var relay in _relays)
            {
                relay.Dispose();
            }
        }

        _stop.Dispose();
    }

    private sealed class Relay(Socket client, Socket broker) : IDisposable
    {
        public volatile bool Silenced;

        public void Start(CancellationToken stop)
        {
            _ = PumpAsync(client, broker, () => false, stop);
            _ = PumpAsync(broker, client, () => Silenced, stop);
        }

        /// <summary>Copies bytes until either side closes, then closes both; silenced bytes are read and dropped.</summary>
        private async Task PumpAsync(Socket from, Socket to, Func<bool> silenced, CancellationToken stop)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, stop);
                    if (read == 0)
                    {
                        break;
                    }

                    if (!silenced())
                    {
                        await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            Dispose();
        }

        public void Dispose()
        {
            client.Dispose();
            broker.Dispose();
        }
    }
}

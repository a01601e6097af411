using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Rx.Stomp.Tests.Support;

/// <summary>What <see cref="MisbehavingPeer"/> does with each connection it accepts.</summary>
public enum Misbehaviour
{
    /// <summary>Accepts and never says a word.</summary>
    Silent,

    /// <summary>Closes each connection as soon as it is accepted.</summary>
    ClosesAtOnce,

    /// <summary>Answers the CONNECT frame with an HTTP response, as a web server on the wrong port would.</summary>
    AnswersHttp,

    /// <summary>Answers CONNECTED, then never says another word (no RECEIPT, no MESSAGE).</summary>
    SilentAfterConnected,
}

/// <summary>
/// A loopback listener that is no STOMP broker, for bounding what a client or rxstomp does against one: every
/// connection it accepts (as many as come) gets the same <see cref="Misbehaviour"/>. <see cref="FirstAccepted"/>
/// tells when the first one came.
/// </summary>
internal sealed class MisbehavingPeer : IAsyncDisposable
{
    private static readonly byte[] Http = Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    private static readonly byte[] Connected = Encoding.ASCII.GetBytes("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly TaskCompletionSource<DateTime> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;

    public MisbehavingPeer(Misbehaviour behaviour)
    {
        _listener.Start();
        _accepting = AcceptAllAsync(behaviour);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>When the first connection was accepted (UTC).</summary>
    public Task<DateTime> FirstAccepted => _first.Task;

    private async Task AcceptAllAsync(Misbehaviour behaviour)
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _first.TrySetResult(DateTime.UtcNow);
                lock (_open)
                {
                    _open.Add(socket);
                }

                _ = BehaveAsync(socket, behaviour);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task BehaveAsync(Socket socket, Misbehaviour behaviour)
    {
        try
        {
            switch (behaviour)
            {
                case Misbehaviour.ClosesAtOnce:
                    socket.Close();
                    break;
                case Misbehaviour.AnswersHttp:
                    await ReadSomeAsync(socket);
                    await socket.SendAsync(Http, _stop.Token);
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                case Misbehaviour.SilentAfterConnected:
                    await ReadSomeAsync(socket);
                    await socket.SendAsync(Connected, _stop.Token);
                    break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away first.
        }
    }

    private async Task ReadSomeAsync(Socket socket) => await socket.ReceiveAsync(new byte[4096], _stop.Token);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_open)
        {
            _open.ForEach(s => s.Dispose());
        }

        _listener.Dispose();
        _stop.Dispose();
    }
}

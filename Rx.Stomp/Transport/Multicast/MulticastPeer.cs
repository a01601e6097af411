using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Transport.Multicast;

/// <summary>
/// The broker a multicast client talks to, played locally: it reads the client's frames from one pipe and answers
/// on another, keeps the subscriptions and transactions, sends each SEND to the group as one datagram, and turns
/// each SEND datagram from the group into a MESSAGE per local subscription of its destination.
/// </summary>
internal sealed class MulticastPeer : IDisposable
{
    private static readonly FrameWriter Writer = new(StompVersion.V12);
    private readonly Pipe _fromClient = new();
    private readonly Pipe _toClient = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Dictionary<string, string> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Frame>> _transactions = new(StringComparer.Ordinal);
    private readonly Lock _state = new();
    private readonly IPEndPoint _group;
    private readonly Socket _sender;
    private readonly Socket _receiver;
    private readonly CancellationTokenSource _stop = new();
    private long _nextMessageId;

    private MulticastPeer(IPEndPoint group, MulticastTransportOptions options)
    {
        _group = group;
        _receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Every peer on this machine binds the group's port; each gets its own copy of every datagram.
            _receiver.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _receiver.Bind(new IPEndPoint(IPAddress.Any, group.Port));
            _receiver.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group.Address, options.Interface));
            _sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, options.Interface.GetAddressBytes());
            _sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, options.TimeToLive);
            _sender.MulticastLoopback = options.Loopback;
        }
        catch
        {
            _receiver.Dispose();
            _sender.Dispose();
            throw;
        }
    }

    /// <summary>Joins <paramref name="group"/> and returns the stream the client speaks STOMP on.</summary>
    public static Stream Start(IPEndPoint group, MulticastTransportOptions options)
    {
        var peer = new MulticastPeer(group, options);
        _ = peer.ServeClientAsync();
        _ = peer.ReceiveDatagramsAsync();
        return new SplitStream(peer._toClient.Reader.AsStream(), peer._fromClient.Writer.AsStream());
    }

    /// <summary>Reads the client's frames until it closes its stream or disconnects, then leaves the group.</summary>
    private async Task ServeClientAsync()
    {
        var reader = new FrameReader(StompVersion.V12);
        try
        {
            while (true)
            {
                var read = await _fromClient.Reader.ReadAsync().ConfigureAwait(false);
                var buffer = read.Buffer;
                var disconnected = false;
                while (!disconnected && reader.TryRead(ref buffer, out var frame))
                {
                    disconnected = await HandleAsync(frame).ConfigureAwait(false);
                }

                _fromClient.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (disconnected || read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (StompProtocolException e)
        {
            await AnswerAsync(Error(e.Message, null)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The client's stream was closed under the loop: that is its end, nothing to report to.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>Answers one client frame; true once it was DISCONNECT.</summary>
    private async Task<bool> HandleAsync(Frame frame)
    {
        var receipt = frame.Headers[StompHeaderNames.Receipt];
        var refusal = frame.Command switch
        {
            StompCommand.Heartbeat => null,
            StompCommand.Connect or StompCommand.Stomp => await ConnectAsync().ConfigureAwait(false),
            StompCommand.Subscribe => Subscribe(frame.Headers),
            StompCommand.Unsubscribe => Unsubscribe(frame.Headers),
            StompCommand.Send => Send(frame),
            StompCommand.Begin or StompCommand.Commit or StompCommand.Abort => Transaction(frame),
            StompCommand.Ack or StompCommand.Nack or StompCommand.Disconnect => null,
            _ => $"{frame.Command.ToWire()} is not a client frame.",
        };
        if (refusal is not null)
        {
            await AnswerAsync(Error(refusal, receipt)).ConfigureAwait(false);
        }
        else if (receipt is not null)
        {
            await AnswerAsync(new Frame(StompCommand.Receipt, StompHeaders.Create((StompHeaderNames.ReceiptId, receipt)))).ConfigureAwait(false);
        }

        return frame.Command == StompCommand.Disconnect;
    }

    private async Task<string?> ConnectAsync()
    {
        await AnswerAsync(new Frame(StompCommand.Connected, StompHeaders.Create(
            (StompHeaderNames.Version, "1.2"),
            (StompHeaderNames.HeartBeat, "0,0"),
            (StompHeaderNames.Server, "Rx.Stomp.Multicast/1.0"),
            (StompHeaderNames.Session, Guid.NewGuid().ToString("N"))))).ConfigureAwait(false);
        return null;
    }

    private string? Subscribe(StompHeaders headers)
    {
        if (headers[StompHeaderNames.Id] is not { } id || headers[StompHeaderNames.Destination] is not { } destination)
        {
            return "SUBSCRIBE needs id and destination.";
        }

        lock (_state)
        {
            return _subscriptions.TryAdd(id, destination) ? null : $"Subscription id {id} is already in use.";
        }
    }

    private string? Unsubscribe(StompHeaders headers)
    {
        lock (_state)
        {
            return headers[StompHeaderNames.Id] is { } id && _subscriptions.Remove(id) ? null : "UNSUBSCRIBE names no subscription of this client.";
        }
    }

    private string? Send(Frame frame)
    {
        if (frame.Headers[StompHeaderNames.Destination] is null)
        {
            return "SEND needs a destination.";
        }

        if (frame.Headers[StompHeaderNames.Transaction] is not { } transaction)
        {
            return Transmit(frame);
        }

        lock (_state)
        {
            if (!_transactions.TryGetValue(transaction, out var frames))
            {
                return $"Transaction {transaction} was not begun.";
            }

            frames.Add(frame);
            return null;
        }
    }

    private string? Transaction(Frame frame)
    {
        if (frame.Headers[StompHeaderNames.Transaction] is not { } transaction)
        {
            return $"{frame.Command.ToWire()} needs a transaction.";
        }

        List<Frame>? committed;
        lock (_state)
        {
            if (frame.Command == StompCommand.Begin)
            {
                return _transactions.TryAdd(transaction, []) ? null : $"Transaction {transaction} was already begun.";
            }

            if (!_transactions.Remove(transaction, out committed))
            {
                return $"Transaction {transaction} was not begun.";
            }
        }

        return frame.Command == StompCommand.Commit ? committed.Select(Transmit).FirstOrDefault(r => r is not null) : null;
    }

    /// <summary>Sends a SEND to the group as one datagram, without the headers that only concern this client.</summary>
    private string? Transmit(Frame send)
    {
        var datagram = new ArrayBufferWriter<byte>();
        Writer.Write(datagram, new Frame(StompCommand.Send, send.Headers.Remove(StompHeaderNames.Receipt).Remove(StompHeaderNames.Transaction), send.Body));
        if (datagram.WrittenCount > MulticastTransportOptions.MaxDatagram)
        {
            return $"A SEND of {datagram.WrittenCount} bytes does not fit one UDP datagram ({MulticastTransportOptions.MaxDatagram} bytes at most).";
        }

        try
        {
            _sender.SendTo(datagram.WrittenSpan, SocketFlags.None, _group);
            return null;
        }
        catch (SocketException e)
        {
            return $"The datagram to {_group} could not be sent: {e.Message}";
        }
    }

    /// <summary>Turns each SEND datagram of the group into a MESSAGE per local subscription of its destination.</summary>
    private async Task ReceiveDatagramsAsync()
    {
        var buffer = new byte[MulticastTransportOptions.MaxDatagram + 1];
        var reader = new FrameReader(StompVersion.V12);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _receiver.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                var datagram = new ReadOnlySequence<byte>(buffer, 0, received);
                Frame? frame;
                try
                {
                    if (!reader.TryRead(ref datagram, out frame) || frame.Command != StompCommand.Send)
                    {
                        continue;
                    }
                }
                catch (StompProtocolException)
                {
                    // Anyone may send to a multicast group: a datagram that is not a STOMP SEND is not for us.
                    continue;
                }

                await DeliverAsync(frame).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // Stopped: the client's stream is closed, there is no one to tell.
        }
    }

    private async Task DeliverAsync(Frame send)
    {
        var destination = send.Headers[StompHeaderNames.Destination];
        List<string> ids;
        lock (_state)
        {
            ids = [.. _subscriptions.Where(s => s.Value == destination).Select(s => s.Key)];
        }

        foreach (var id in ids)
        {
            var messageId = "mcast-" + Interlocked.Increment(ref _nextMessageId).ToString(CultureInfo.InvariantCulture);
            var headers = StompHeaders.Create(
                    (StompHeaderNames.Subscription, id),
                    (StompHeaderNames.MessageId, messageId),
                    (StompHeaderNames.Ack, messageId))
                .Concat(send.Headers.Remove(StompHeaderNames.ContentLength));
            await AnswerAsync(new Frame(StompCommand.Message, headers, send.Body)).ConfigureAwait(false);
        }
    }

    private static Frame Error(string message, string? receipt)
    {
        var headers = StompHeaders.Create((StompHeaderNames.Message, message));
        return new Frame(StompCommand.Error, receipt is null ? headers : headers.Add(StompHeaderNames.ReceiptId, receipt));
    }

    /// <summary>Writes a frame to the client, one writer at a time (client frames and datagrams both answer).</summary>
    private async Task AnswerAsync(Frame frame)
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            Writer.Write(_toClient.Writer, frame);
            await _toClient.Writer.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _fromClient.Reader.CompleteAsync().ConfigureAwait(false);
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            await _toClient.Writer.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }

        Dispose();
    }

    /// <summary>Leaves the group and releases the sockets.</summary>
    public void Dispose()
    {
        _receiver.Dispose();
        _sender.Dispose();
        _stop.Dispose();
        _writing.Dispose();
    }
}

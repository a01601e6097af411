using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;

namespace Rx.Stomp.Samples.Bench.NullPeer;

/// <summary>
/// One connection of the null peer, on a thread of its own with blocking reads and writes: frames are found by
/// their NUL (or <c>content-length</c>) and answered from a few header lookups, nothing else is parsed.
/// CONNECT/STOMP gets CONNECTED (1.2, no heart-beats); a SEND is taken, and echoed as a MESSAGE to a subscription
/// of its destination; <c>SUBSCRIBE /source/N/B</c> gets N MESSAGEs of B-byte bodies, written as fast as the socket
/// takes them; another SUBSCRIBE is remembered for echoes; any frame asking for a receipt gets its RECEIPT (before a
/// /source burst starts); DISCONNECT ends the connection. Answers are written when the bytes read are used up,
/// so a burst of frames costs one write.
/// </summary>
internal sealed class NullPeerSession(Socket socket)
{
    /// <summary>No frame may be larger: the peer is for benchmarks, not for a client that sends without end.</summary>
    private const int MaxFrame = 64 * 1024 * 1024;

    /// <summary>How many bytes of MESSAGE frames one write of a /source burst carries.</summary>
    private const int BurstChunk = 1024 * 1024;

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly List<(byte[] Destination, byte[] Id)> _echoes = [];
    private byte[] _input = new byte[1024 * 1024];
    private int _start;
    private int _end;

    /// <summary>Serves the connection until the client closes it or sends DISCONNECT; then closes the socket.</summary>
    public void Run()
    {
        using (socket)
        {
            try
            {
                while (HandleFrames() && Read())
                {
                }
            }
            catch (SocketException)
            {
                // The client went away.
            }
        }
    }

    /// <summary>Answers every whole frame read so far and writes the answers; false once DISCONNECT came.</summary>
    private bool HandleFrames()
    {
        var open = true;
        while (open && NextFrame() is { } next)
        {
            var frame = _input.AsSpan(_start);
            open = Handle(frame[..next.Head], frame.Slice(next.BodyStart, next.BodyLength));
            _start += next.BodyStart + next.BodyLength + 1;
        }

        Flush();
        return open;
    }

    /// <summary>The next whole frame after heart-beats: its head's length, and where its body starts and how long it is.</summary>
    /// <exception cref="SocketException">The bytes are not a frame (a body without its NUL, or a frame over the limit).</exception>
    private (int Head, int BodyStart, int BodyLength)? NextFrame()
    {
        while (_start < _end && _input[_start] is (byte)'\n' or (byte)'\r')
        {
            _start++;
        }

        var frame = _input.AsSpan(_start, _end - _start);
        var head = frame.IndexOf("\n\n"u8);
        if (head < 0)
        {
            return null;
        }

        var bodyStart = head + 2;
        if (TryHeader(frame[..head], "\ncontent-length:"u8, out var declared))
        {
            if (!Utf8Parser.TryParse(declared, out int length, out _) || length < 0 || length > MaxFrame)
            {
                throw new SocketException((int)SocketError.InvalidArgument);
            }

            return bodyStart + length >= frame.Length ? null
                : frame[bodyStart + length] == 0 ? (head, bodyStart, length)
                : throw new SocketException((int)SocketError.InvalidArgument);
        }

        var nul = frame[bodyStart..].IndexOf((byte)0);
        return nul < 0 ? null : (head, bodyStart, nul);
    }

    /// <summary>Reads more bytes after what is left of the last frame; false when the client closed.</summary>
    private bool Read()
    {
        var left = _end - _start;
        if (_start > 0)
        {
            _input.AsSpan(_start, left).CopyTo(_input);
            (_start, _end) = (0, left);
        }

        if (_end == _input.Length)
        {
            if (_input.Length >= MaxFrame)
            {
                throw new SocketException((int)SocketError.MessageSize);
            }

            Array.Resize(ref _input, _input.Length * 2);
        }

        var read = socket.Receive(_input, _end, _input.Length - _end, SocketFlags.None);
        _end += read;
        return read > 0;
    }

    /// <summary>Answers one frame; false for DISCONNECT.</summary>
    private bool Handle(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        var command = head.IndexOf((byte)'\n') is var eol and >= 0 ? head[..eol] : head;
        if (command.SequenceEqual("CONNECT"u8) || command.SequenceEqual("STOMP"u8))
        {
            Write("CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:rxstomp-null-peer\n\n\0"u8);
            return true;
        }

        Receipt(head);
        if (command.SequenceEqual("SEND"u8))
        {
            Echo(head, body);
        }
        else if (command.SequenceEqual("SUBSCRIBE"u8))
        {
            TryHeader(head, "\ndestination:"u8, out var destination);
            TryHeader(head, "\nid:"u8, out var id);
            Subscribe(destination, id);
        }
        else if (command.SequenceEqual("UNSUBSCRIBE"u8))
        {
            TryHeader(head, "\nid:"u8, out var id);
            var unsubscribed = id.ToArray();
            _echoes.RemoveAll(e => unsubscribed.AsSpan().SequenceEqual(e.Id));
        }

        return !command.SequenceEqual("DISCONNECT"u8);
    }

    private void Receipt(ReadOnlySpan<byte> head)
    {
        if (TryHeader(head, "\nreceipt:"u8, out var id))
        {
            Write("RECEIPT\nreceipt-id:"u8);
            Write(id);
            Write("\n\n\0"u8);
        }
    }

    /// <summary>A SEND to a destination that has a subscription goes back as a MESSAGE on it.</summary>
    private void Echo(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        if (_echoes.Count == 0 || !TryHeader(head, "\ndestination:"u8, out var destination))
        {
            return;
        }

        foreach (var (subscribed, id) in _echoes)
        {
            if (destination.SequenceEqual(subscribed))
            {
                WriteMessage(destination, id, body.Length);
                Write(body);
                Write("\0"u8);
                return;
            }
        }
    }

    private void Subscribe(ReadOnlySpan<byte> destination, ReadOnlySpan<byte> id)
    {
        if (!destination.StartsWith("/source/"u8))
        {
            _echoes.Add((destination.ToArray(), id.ToArray()));
            return;
        }

        // /source/N/B: N messages of B bytes (128 if B is left out), after the receipt already written.
        var spec = destination["/source/"u8.Length..];
        if (!Utf8Parser.TryParse(spec, out long count, out var digits) || count < 0)
        {
            return;
        }

        var size = spec.Length > digits + 1 && Utf8Parser.TryParse(spec[(digits + 1)..], out int given, out _) && given >= 0 ? given : 128;
        Flush();
        Burst(destination, id, count, size);
    }

    /// <summary>Writes <paramref name="count"/> MESSAGEs from a buffer of whole frames, as large writes.</summary>
    private void Burst(ReadOnlySpan<byte> destination, ReadOnlySpan<byte> id, long count, int size)
    {
        WriteMessage(destination, id, size);
        _output.GetSpan(size + 1)[..size].Fill((byte)'x');
        _output.Advance(size);
        Write("\0"u8);
        var frame = _output.WrittenSpan.ToArray();
        _output.ResetWrittenCount();

        var perChunk = Math.Max(1, BurstChunk / frame.Length);
        var chunk = new byte[perChunk * frame.Length];
        for (var i = 0; i < perChunk; i++)
        {
            frame.CopyTo(chunk, i * frame.Length);
        }

        for (var sent = 0L; sent < count; sent += perChunk)
        {
            Send(chunk.AsSpan(0, (int)Math.Min(perChunk, count - sent) * frame.Length));
        }
    }

    private void WriteMessage(ReadOnlySpan<byte> destination, ReadOnlySpan<byte> id, int length)
    {
        Write("MESSAGE\ndestination:"u8);
        Write(destination);
        Write("\nmessage-id:m\nsubscription:"u8);
        Write(id);
        Write("\ncontent-length:"u8);
        Utf8Formatter.TryFormat(length, _output.GetSpan(11), out var digits);
        _output.Advance(digits);
        Write("\n\n"u8);
    }

    /// <summary>The value of the first header line that starts with <paramref name="prefix"/> (<c>\nname:</c>).</summary>
    private static bool TryHeader(ReadOnlySpan<byte> head, ReadOnlySpan<byte> prefix, out ReadOnlySpan<byte> value)
    {
        var at = head.IndexOf(prefix);
        if (at < 0)
        {
            value = default;
            return false;
        }

        value = head[(at + prefix.Length)..];
        var eol = value.IndexOf((byte)'\n');
        value = (eol < 0 ? value : value[..eol]).TrimEnd((byte)'\r');
        return true;
    }

    private void Write(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    private void Flush()
    {
        Send(_output.WrittenSpan);
        _output.ResetWrittenCount();
    }

    private void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[socket.Send(bytes)..];
        }
    }
}

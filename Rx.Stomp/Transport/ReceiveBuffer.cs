using System.Buffers;

namespace Rx.Stomp.Transport;

/// <summary>
/// Bytes read from a socket and not yet parsed, in one pooled array. It grows when a frame outgrows it (the frame
/// reader's limits bound how far) and goes back to its first size once emptied.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    private const int InitialSize = 64 * 1024;
    // Reads into less than this would cost a system call for a few bytes: the unread tail moves to the front instead.
    private const int MinimumRead = 4 * 1024;
    private byte[] _array = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _start;
    private int _end;

    /// <summary>The bytes read and not yet consumed.</summary>
    public ReadOnlySequence<byte> Unread => new(_array, _start, _end - _start);

    /// <summary>Room for the next read: at least <see cref="MinimumRead"/> bytes after the unread ones.</summary>
    public Memory<byte> FreeSpace()
    {
        if (_array.Length - _end < MinimumRead)
        {
            var unread = _end - _start;
            if (_array.Length - unread < MinimumRead)
            {
                Resize(_array.Length * 2);
            }
            else
            {
                _array.AsSpan(_start, unread).CopyTo(_array);
                _start = 0;
                _end = unread;
            }
        }

        return _array.AsMemory(_end);
    }

    /// <summary><paramref name="count"/> bytes were read into <see cref="FreeSpace"/>.</summary>
    public void Advance(int count) => _end += count;

    /// <summary>Everything but the last <paramref name="remaining"/> unread bytes was parsed.</summary>
    public void Consumed(long remaining)
    {
        _start = _end - (int)remaining;
        if (_start == _end)
        {
            _start = _end = 0;
            if (_array.Length > InitialSize)
            {
                Resize(InitialSize);
            }
        }
    }

    private void Resize(int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        var unread = _end - _start;
        _array.AsSpan(_start, unread).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
        _start = 0;
        _end = unread;
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}

namespace Rx.Stomp.Testing;

/// <summary>
/// How far the client has read what the scripted broker wrote: bytes written, bytes the client took, and whether it
/// is asking for more. Once it asks with nothing left unread, it has delivered all of it: its reader only asks again
/// after its observers returned.
/// </summary>
internal sealed class ClientReads
{
    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource> _waiters = [];
    private long _written;
    private long _taken;
    private bool _asking;

    /// <summary>The broker side is about to make <paramref name="count"/> more bytes readable.</summary>
    public void Writing(long count)
    {
        lock (_gate)
        {
            _written += count;
        }
    }

    /// <summary>The client asks for more.</summary>
    public void Asking()
    {
        lock (_gate)
        {
            _asking = true;
            if (_taken == _written)
            {
                foreach (var waiter in _waiters)
                {
                    waiter.TrySetResult();
                }

                _waiters.Clear();
            }
        }
    }

    /// <summary>The client took <paramref name="count"/> bytes.</summary>
    public void Took(long count)
    {
        lock (_gate)
        {
            _asking = false;
            _taken += count;
        }
    }

    /// <summary>Completes once the client has taken every byte written so far and asks for more.</summary>
    public Task CaughtUpAsync()
    {
        lock (_gate)
        {
            if (_asking && _taken == _written)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(waiter);
            return waiter.Task;
        }
    }
}

namespace Rx.Stomp.Client;

/// <summary>One live <c>Subscribe()</c> of a <see cref="StompClient.Watch"/>: what to SUBSCRIBE, and whom to tell.</summary>
/// <remarks>
/// Claiming the SUBSCRIBE and removing the watcher exclude each other, and the removal learns when the claimed
/// SUBSCRIBE was written: so a watch disposed while a reconnect subscribes it again is either never subscribed or
/// unsubscribed after its SUBSCRIBE, never subscribed for good, and its UNSUBSCRIBE never overtakes its SUBSCRIBE.
/// </remarks>
internal sealed class Watcher(string id, string destination, SubscribeOptions options, IObserver<StompMessage> observer)
{
    private readonly Lock _gate = new();
    private Session? _subscribedOn;
    private Task<bool> _subscribeWritten = Task.FromResult(false);
    private bool _removed;

    public string Id { get; } = id;

    public string Destination { get; } = destination;

    public SubscribeOptions Options { get; } = options;

    public IObserver<StompMessage> Observer { get; } = observer;

    /// <summary>
    /// Claims the SUBSCRIBE on <paramref name="session"/>, so that it goes out once per connection and never after
    /// <see cref="Remove"/>. The claimer completes the result once the frame was written (true) or not (false).
    /// </summary>
    public TaskCompletionSource<bool>? TryClaim(Session session)
    {
        lock (_gate)
        {
            if (_removed || ReferenceEquals(_subscribedOn, session))
            {
                return null;
            }

            _subscribedOn = session;
            var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _subscribeWritten = written.Task;
            return written;
        }
    }

    /// <summary>
    /// Stops any further SUBSCRIBE; returns the session the last one was claimed on (if any) and whether (once
    /// known) it was written there, which an UNSUBSCRIBE must wait for.
    /// </summary>
    public (Session? Session, Task<bool> Written) Remove()
    {
        lock (_gate)
        {
            _removed = true;
            return (_subscribedOn, _subscribeWritten);
        }
    }
}

using System.Reactive.Disposables;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Client;

/// <summary>
/// <see cref="StompClient.SharedWatch"/>: one subscription of a watch, shared by every subscriber, made with the first
/// and disposed with the last (its UNSUBSCRIBE). Each such life is a <see cref="Generation"/>; when the watch ends
/// (refused, cancelled, given up, unsubscribed by id), its subscribers hear it and the next subscriber starts a new
/// generation, where <c>Publish().RefCount()</c> would hand it the old end.
/// </summary>
/// <remarks>
/// Subscribers are wrapped by the client (<see cref="SerializedDelivery{T}"/>), so each is called one call at a time;
/// the lock guards only which generation is current and its count, and no observer is ever called under it.
/// </remarks>
internal sealed class SharedWatch(IObservable<StompMessage> watch, Action<Exception> onObserverFault) : IObservable<StompMessage>
{
    private readonly Lock _gate = new();
    private Generation? _current;

    public IDisposable Subscribe(IObserver<StompMessage> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Generation generation;
        IDisposable joined;
        bool first;
        lock (_gate)
        {
            first = _current is null;
            generation = _current ??= new Generation(this, onObserverFault);
            generation.Count++;
            // The generation is current, so it has not ended: joining it calls nobody.
            joined = generation.Subscribers.Subscribe(observer);
        }

        if (first)
        {
            // Outside the lock: a watch that cannot start (a disposed client, an id in use) ends at once, inside Subscribe.
            generation.Watch.Disposable = watch.Subscribe(generation);
        }

        return Disposable.Create(() => Leave(generation, joined));
    }

    private void Leave(Generation generation, IDisposable joined)
    {
        bool last;
        lock (_gate)
        {
            last = --generation.Count == 0;
            if (last && ReferenceEquals(_current, generation))
            {
                _current = null;
            }
        }

        joined.Dispose();
        if (last)
        {
            // The watch's UNSUBSCRIBE; a subscriber coming now starts a new generation, and a new SUBSCRIBE.
            generation.Watch.Dispose();
        }
    }

    /// <summary>The watch has ended: later subscribers start anew, and this generation's hear the end.</summary>
    private void Ended(Generation generation)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, generation))
            {
                _current = null;
            }
        }
    }

    /// <summary>One subscription of the watch and the subscribers it serves.</summary>
    private sealed class Generation(SharedWatch owner, Action<Exception> onObserverFault) : IObserver<StompMessage>
    {
        public Broadcast<StompMessage> Subscribers { get; } = new(onObserverFault);

        public SingleAssignmentDisposable Watch { get; } = new();

        /// <summary>Subscribers that have not left; guarded by the owner's lock.</summary>
        public int Count { get; set; }

        public void OnNext(StompMessage value) => Subscribers.OnNext(value);

        public void OnError(Exception error)
        {
            owner.Ended(this);
            Subscribers.OnError(error);
        }

        public void OnCompleted()
        {
            owner.Ended(this);
            Subscribers.OnCompleted();
        }
    }
}

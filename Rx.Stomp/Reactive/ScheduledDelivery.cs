using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Rx.Stomp.Reactive;

/// <summary>
/// A stream re-delivered on a chosen scheduler (<see cref="Client.StompClientOptions.DeliveryScheduler"/>), one call
/// at a time and in order per subscription, with the client's rule kept: an observer that throws is reported, not
/// left to crash the scheduler's thread.
/// </summary>
internal sealed class ScheduledDelivery<T>(IObservable<T> source, IScheduler scheduler, Action<Exception> onObserverFault) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        // Serialized first: ObserveOn expects one call at a time, and two connections' readers may call at once. The
        // end travels as a value: ObserveOn lets an error overtake the values still queued, which would lose them.
        return new SerializedDelivery<T>(source, onObserverFault)
            .Materialize()
            .ObserveOn(scheduler)
            .Dematerialize()
            .Subscribe(new GuardedObserver(observer, onObserverFault));
    }

    private sealed class GuardedObserver(IObserver<T> inner, Action<Exception> onObserverFault) : IObserver<T>
    {
        public void OnNext(T value) => Guard(o => o.OnNext(value));

        public void OnError(Exception error) => Guard(o => o.OnError(error));

        public void OnCompleted() => Guard(o => o.OnCompleted());

        private void Guard(Action<IObserver<T>> call)
        {
            try
            {
                call(inner);
            }
#pragma warning disable CA1031 // Same rule as on the read loop: an observer's fault is reported, delivery goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onObserverFault(e);
            }
        }
    }
}

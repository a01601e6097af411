using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// A <see cref="TestScheduler"/> that tells when work is scheduled, and reads in <see cref="TimeSpan"/>s. The client
/// sets some timers from its own threads (the reader that took in a connection's end schedules the next attempt):
/// a test waits for such a timer with <see cref="WhenScheduledAsync"/> before it moves the clock, or the timer would
/// start from the later time.
/// </summary>
internal sealed class VirtualClock : TestScheduler, IDisposable
{
    private readonly ReplaySubject<TimeSpan> _scheduled = new();

    /// <summary>The virtual time elapsed since the clock was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Clock);

    public override IDisposable ScheduleAbsolute<TState>(TState state, long dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        // TestScheduler runs work due now or earlier one tick later.
        var due = Math.Max(dueTime, Clock + 1);
        var item = base.ScheduleAbsolute(state, dueTime, action);
        lock (_scheduled)
        {
            _scheduled.OnNext(TimeSpan.FromTicks(due));
        }

        return item;
    }

    /// <summary>Runs everything due up to <paramref name="at"/> (virtual time since creation), and sets the clock there.</summary>
    public void AdvanceTo(TimeSpan at) => AdvanceTo(at.Ticks);

    /// <summary>Runs everything due within <paramref name="by"/> from now.</summary>
    public void AdvanceBy(TimeSpan by) => AdvanceBy(by.Ticks);

    public void Dispose() => _scheduled.Dispose();

    /// <summary>Completes once work due at <paramref name="at"/> has been scheduled (or was already).</summary>
    public Task WhenScheduledAsync(TimeSpan at) => _scheduled.WhenAsync(due => due == at);
}

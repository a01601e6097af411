using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Terminal.Gui.App;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>
/// An Rx scheduler that runs work on Terminal.Gui's main loop, for <c>ObserveOn</c> before binding. Work queued
/// while the loop is busy, and work that work schedules (an <c>ObserveOn</c> draining its queue), runs in the same
/// pass: one hop onto the loop per burst, not one loop iteration per item.
/// </summary>
internal sealed class UiScheduler(IApplication app) : LocalScheduler
{
    private readonly ConcurrentQueue<Action> _pending = new();
    private int _draining;

    public override IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        var work = new SingleAssignmentDisposable();
        void Run()
        {
            if (!work.IsDisposed)
            {
                work.Disposable = action(this, state);
            }
        }

        var delay = Scheduler.Normalize(dueTime);
        if (delay == TimeSpan.Zero)
        {
            Enqueue(Run);
        }
        else
        {
            app.AddTimeout(delay, () =>
            {
                Enqueue(Run);
                return false;
            });
        }

        return work;
    }

    private void Enqueue(Action run)
    {
        _pending.Enqueue(run);
        if (Interlocked.Exchange(ref _draining, 1) == 0)
        {
            app.Invoke(Drain);
        }
    }

    /// <summary>Runs everything queued, on the main loop, until nothing is left.</summary>
    private void Drain()
    {
        do
        {
            while (_pending.TryDequeue(out var run))
            {
                run();
            }

            Volatile.Write(ref _draining, 0);
        }
        while (!_pending.IsEmpty && Interlocked.Exchange(ref _draining, 1) == 0);
    }
}

using System.Runtime.CompilerServices;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class SchedulerTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromTicks(100);

    private static Exception Expired() => new TimeoutException("expired");

    [Test]
    public void A_finished_task_gives_its_result_at_once_without_a_timer()
    {
        var scheduler = new TestScheduler();

        var result = Task.FromResult(42).WithTimeout(Timeout, scheduler, () => throw new AssertionException("no timer expected"), CancellationToken.None);
        scheduler.AdvanceBy(1000);

        Assert.That((result.IsCompletedSuccessfully, result.Result), Is.EqualTo((true, 42)));
    }

    [Test]
    public async Task A_task_that_finishes_in_time_gives_its_result()
    {
        var scheduler = new TestScheduler();
        var pending = new TaskCompletionSource<int>();

        var result = pending.Task.WithTimeout(Timeout, scheduler, Expired, CancellationToken.None);
        scheduler.AdvanceBy(Timeout.Ticks - 1);
        pending.SetResult(42);
        scheduler.AdvanceBy(1000);

        Assert.That(await result, Is.EqualTo(42));
    }

    [Test]
    public void The_wait_fails_with_the_timeouts_exception_exactly_when_the_timeout_passes_on_the_scheduler()
    {
        var scheduler = new TestScheduler();
        var pending = new TaskCompletionSource<int>();

        var result = pending.Task.WithTimeout(Timeout, scheduler, Expired, CancellationToken.None);
        scheduler.AdvanceBy(Timeout.Ticks - 1);
        var before = result.IsCompleted;
        scheduler.AdvanceBy(1);

        Assert.That(before, Is.False);
        Assert.That(() => result.GetAwaiter().GetResult(), Throws.TypeOf<TimeoutException>().With.Message.EqualTo("expired"));
    }

    [Test]
    public void Cancellation_ends_the_wait()
    {
        var scheduler = new TestScheduler();
        using var cancellation = new CancellationTokenSource();

        var result = new TaskCompletionSource<int>().Task.WithTimeout(Timeout, scheduler, Expired, cancellation.Token);
        cancellation.Cancel();

        Assert.That(() => result.GetAwaiter().GetResult(), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Does_not_resume_on_the_callers_synchronization_context()
    {
        var scheduler = new TestScheduler();
        var pending = new TaskCompletionSource<int>();
        var context = new CountingContext();
        Task<int> result;

        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            result = pending.Task.WithTimeout(Timeout, scheduler, Expired, CancellationToken.None);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        pending.SetResult(42);

        Assert.That((await result, context.Posts), Is.EqualTo((42, 0)));
    }

    [Test]
    public void A_task_given_up_on_that_fails_later_is_not_reported_as_unobserved()
    {
        var failure = new IOException("failed after the timeout");
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (unobserved)
            {
                unobserved.AddRange(e.Exception.InnerExceptions);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            GiveUpOnATaskThatFailsLater(failure);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        lock (unobserved)
        {
            Assert.That(unobserved, Does.Not.Contain(failure));
        }
    }

    // Not inlined, so that nothing of the abandoned task is left on the test's stack when the collector runs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void GiveUpOnATaskThatFailsLater(Exception failure)
    {
        var scheduler = new TestScheduler();
        var pending = new TaskCompletionSource<int>();
        var result = pending.Task.WithTimeout(Timeout, scheduler, Expired, CancellationToken.None);
        scheduler.AdvanceBy(Timeout.Ticks);
        Assert.That(() => result.GetAwaiter().GetResult(), Throws.TypeOf<TimeoutException>());
        pending.SetException(failure);
    }

    /// <summary>A caller's context (a UI thread's, say) that counts what is sent back to it.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }

        public override void Send(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            d(state);
        }
    }
}

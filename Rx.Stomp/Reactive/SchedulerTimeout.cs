using System.Reactive.Concurrency;

namespace Rx.Stomp.Reactive;

/// <summary>Bounds a wait by a timeout measured on an <see cref="IScheduler"/>, so virtual time can drive it.</summary>
internal static class SchedulerTimeout
{
    /// <summary>The result of <paramref name="task"/>, or the exception of <paramref name="onTimeout"/> once <paramref name="timeout"/> passed.</summary>
    /// <remarks>A task given up on is still observed: its later failure must not surface as an unobserved task exception.</remarks>
    public static async Task<T> WithTimeout<T>(this Task<T> task, TimeSpan timeout, IScheduler scheduler, Func<Exception> onTimeout, CancellationToken cancellationToken)
    {
        if (task.IsCompleted)
        {
            return await task.ConfigureAwait(false);
        }

        var expiry = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = scheduler.Schedule(timeout, () => expiry.TrySetException(onTimeout()));
        using var registration = cancellationToken.Register(() => expiry.TrySetCanceled(cancellationToken));
        var first = await Task.WhenAny(task, expiry.Task).ConfigureAwait(false);
        if (first != task)
        {
            _ = task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return await first.ConfigureAwait(false);
    }
}

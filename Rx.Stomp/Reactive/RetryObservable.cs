using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Rx.Stomp.Reactive;

/// <summary>Retrying a failed observable (typically a connection) after growing, jittered delays.</summary>
public static class RetryObservable
{
    /// <summary>
    /// Mirrors <paramref name="source"/>, resubscribing after each retryable error once the delay of
    /// <paramref name="policy"/> has passed on <paramref name="scheduler"/>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">What to retry, resubscribed at each attempt: a cold observable such as a connection.</param>
    /// <param name="policy">The delays and the number of attempts.</param>
    /// <param name="scheduler">The timer for the delays.</param>
    /// <param name="isRetryable">
    /// Whether an error is worth another attempt; <see langword="null"/> retries every error. An error it rejects (a
    /// refused login, say) passes through at once, and one it throws is what the result fails with.
    /// </param>
    /// <param name="onRetry">Told of each failure that will be retried, before the delay; one that throws fails the result.</param>
    /// <returns>
    /// The elements of every attempt, in order, and the completion of the first one that completes. Once
    /// <see cref="BackoffPolicy.MaxAttempts"/> attempts in a row have failed, it fails with the last error itself,
    /// not wrapped, as <c>Retry(count)</c> does. The count restarts whenever an attempt produces an element: an
    /// attempt that connected (emitted its session) and later lost the connection starts a fresh series of delays at
    /// <see cref="BackoffPolicy.InitialDelay"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">An invalid <paramref name="policy"/> (see <see cref="BackoffPolicy.Validate"/>).</exception>
    public static IObservable<T> RetryWithBackoff<T>(
        this IObservable<T> source,
        BackoffPolicy policy,
        IScheduler scheduler,
        Func<Exception, bool>? isRetryable = null,
        Action<RetryAttempt>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(scheduler);
        policy.Validate();

        return Observable.Create<T>(observer =>
        {
            var current = new SerialDisposable();
            var failures = 0;

            void Attempt()
            {
                // Assigned before subscribing, so that a source failing during Subscribe replaces it with the timer,
                // and the late assignment below then disposes the finished subscription at once.
                var attempt = new SingleAssignmentDisposable();
                current.Disposable = attempt;
                attempt.Disposable = source.Subscribe(
                    value =>
                    {
                        failures = 0;
                        observer.OnNext(value);
                    },
                    OnError,
                    observer.OnCompleted);
            }

            void OnError(Exception error)
            {
                RetryAttempt? retry = null;
                try
                {
                    if (isRetryable is null || isRetryable(error))
                    {
                        failures = failures == int.MaxValue ? failures : failures + 1;
                        if (policy.MaxAttempts == BackoffPolicy.Unlimited || failures < policy.MaxAttempts)
                        {
                            retry = new RetryAttempt(failures, policy.NextDelay(failures), error);
                            onRetry?.Invoke(retry);
                        }
                    }
                }
#pragma warning disable CA1031 // A throwing predicate or callback fails the result rather than the source's thread.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    observer.OnError(e);
                    return;
                }

                if (retry is null)
                {
                    observer.OnError(error);
                }
                else
                {
                    // As for an attempt: in place before scheduling, for the next attempt may start before Schedule
                    // returns (a short delay on another thread, or a scheduler that runs it inline), and replaces it.
                    var timer = new SingleAssignmentDisposable();
                    current.Disposable = timer;
                    timer.Disposable = scheduler.Schedule(retry.Delay, Attempt);
                }
            }

            Attempt();
            return current;
        });
    }
}

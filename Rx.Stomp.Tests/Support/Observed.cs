using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Rx.Stomp.Tests.Support;

/// <summary>Waits on observables with a wall-clock guard, so a broken behaviour fails a test instead of hanging it.</summary>
internal static class Observed
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    /// <summary>The first value that satisfies <paramref name="predicate"/> (hot sources: subscribe before causing it).</summary>
    public static Task<T> WhenAsync<T>(this IObservable<T> source, Func<T, bool> predicate) =>
        source.Where(predicate).FirstAsync().ToTask().WaitAsync(Guard);

    /// <summary>The first <paramref name="count"/> values.</summary>
    public static Task<IList<T>> TakeAsync<T>(this IObservable<T> source, int count) =>
        source.Take(count).ToList().ToTask().WaitAsync(Guard);
}

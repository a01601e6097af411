using System.Reactive;
using Microsoft.Reactive.Testing;

namespace Rx.Stomp.Tests.Reactive;

/// <summary>Compares recorded notifications with expected ones, expected first, so predicate records (OnError(t, e => ...)) match.</summary>
internal static class Marbles
{
    public static void AssertMessages<T>(IList<Recorded<Notification<T>>> actual, params Recorded<Notification<T>>[] expected)
    {
        var same = actual.Count == expected.Length && expected.Zip(actual).All(pair => pair.First.Equals(pair.Second));
        Assert.That(same, Is.True, () => $"Expected:\n  {string.Join("\n  ", expected)}\nActual:\n  {string.Join("\n  ", actual)}");
    }
}

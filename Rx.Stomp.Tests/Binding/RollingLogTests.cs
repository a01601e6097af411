using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Reactive.Subjects;
using DynamicData;
using Rx.Stomp.Binding;

namespace Rx.Stomp.Tests.Binding;

/// <summary><see cref="StompChangeSets.RollingLog"/>: the last N values, oldest first, bound to a collection.</summary>
public class RollingLogTests
{
    [Test]
    public void The_log_keeps_the_last_values_in_order_and_drops_the_oldest_beyond_its_size()
    {
        using var values = new Subject<string>();
        using var subscription = values.RollingLog(3).Bind(out ReadOnlyObservableCollection<string> log).Subscribe();
        var events = new List<string>();
        ((INotifyCollectionChanged)log).CollectionChanged += (_, e) => events.Add(e.Action == NotifyCollectionChangedAction.Add
            ? $"+{e.NewItems![0]}@{e.NewStartingIndex}"
            : $"{e.Action} -{e.OldItems?[0]}@{e.OldStartingIndex}");

        foreach (var value in new[] { "a", "b", "c", "d", "e" })
        {
            values.OnNext(value);
        }

        Assert.That(log, Is.EqualTo(new[] { "c", "d", "e" }));
        Assert.That(events, Is.EqualTo(new[] { "+a@0", "+b@1", "+c@2", "Remove -a@0", "+d@2", "Remove -b@0", "+e@2" }));
    }

    [Test]
    public void Reversed_it_shows_the_newest_first()
    {
        using var values = new Subject<int>();
        using var subscription = values.RollingLog(2).Reverse().Bind(out ReadOnlyObservableCollection<int> log).Subscribe();

        foreach (var value in new[] { 1, 2, 3 })
        {
            values.OnNext(value);
        }

        Assert.That(log, Is.EqualTo(new[] { 3, 2 }));
    }

    [Test]
    public void A_size_below_one_is_refused()
    {
        using var values = new Subject<int>();

        Assert.That(() => values.RollingLog(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}

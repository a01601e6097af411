using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Subjects;
using DynamicData;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Binding;

namespace Rx.Stomp.Tests.Binding;

/// <summary><see cref="StompChangeSets.LatestByKey"/> in virtual time: one row per key, updates in place, expiry and the size limit.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class LatestByKeyTests : IDisposable
{
    private sealed record Quote(string Symbol, decimal Price);

    private readonly TestScheduler _clock = new();
    private readonly Subject<Quote> _quotes = new();

    public void Dispose() => _quotes.Dispose();

    private void At(double seconds, string symbol, decimal price)
    {
        _clock.AdvanceTo(TimeSpan.FromSeconds(seconds).Ticks);
        _quotes.OnNext(new Quote(symbol, price));
    }

    private void AdvanceTo(double seconds) => _clock.AdvanceTo(TimeSpan.FromSeconds(seconds).Ticks);

    private static string Describe(IChangeSet<Quote, string> changes) =>
        string.Join(",", changes.Select(c => $"{c.Reason} {c.Key}={c.Current.Price}"));

    [Test]
    public void A_new_key_is_an_add_and_a_known_key_an_update_of_its_row()
    {
        var sets = new List<string>();
        using var subscription = _quotes.LatestByKey(q => q.Symbol, _clock).Subscribe(c => sets.Add(Describe(c)));

        At(0, "ACME", 1);
        At(1, "XYZ", 2);
        At(2, "ACME", 3);

        Assert.That(sets, Is.EqualTo(new[] { "Add ACME=1", "Add XYZ=2", "Update ACME=3" }));
    }

    [Test]
    public void A_key_expires_when_not_updated_for_the_expiry_and_each_update_restarts_its_time()
    {
        var sets = new List<(long At, string Changes)>();
        using var subscription = _quotes.LatestByKey(q => q.Symbol, _clock, expireAfter: TimeSpan.FromSeconds(10))
            .Subscribe(c => sets.Add((_clock.Clock, Describe(c))));

        At(0, "ACME", 1);
        At(5, "XYZ", 2);
        At(8, "ACME", 3);
        AdvanceTo(14.999);
        Assert.That(sets.Select(s => s.Changes), Is.EqualTo(new[] { "Add ACME=1", "Add XYZ=2", "Update ACME=3" }), "nothing expired yet");

        AdvanceTo(30);
        Assert.That(sets.Skip(3), Is.EqualTo(new[]
        {
            (TimeSpan.FromSeconds(15).Ticks, "Remove XYZ=2"),
            (TimeSpan.FromSeconds(18).Ticks, "Remove ACME=3"),
        }));
    }

    [Test]
    public void An_expiry_the_scheduler_runs_although_it_was_cancelled_removes_no_key_updated_or_added_again_since()
    {
        // Most schedulers run a cancelled timer that was already due; this one never cancels.
        var sets = new List<(long At, string Changes)>();
        using var subscription = _quotes.LatestByKey(q => q.Symbol, new NeverCancelling(_clock), expireAfter: TimeSpan.FromSeconds(10), sizeLimit: 1)
            .Subscribe(c => sets.Add((_clock.Clock, Describe(c))));

        At(0, "ACME", 1);   // expiry due at 10
        At(1, "XYZ", 2);    // evicts ACME
        At(2, "ACME", 3);   // added again, evicts XYZ: due at 12, the one at 10 stale
        At(11, "ACME", 4);  // updated: due at 21, the one at 12 stale
        AdvanceTo(30);

        Assert.That(sets.Where(s => s.Changes.StartsWith("Remove ACME", StringComparison.Ordinal)).Select(s => s.At), Is.EqualTo(new[] { TimeSpan.FromSeconds(21).Ticks }));
    }

        [Test]
    public void Beyond_the_size_limit_the_least_recently_updated_key_is_evicted()
    {
        var sets = new List<string>();
        using var subscription = _quotes.LatestByKey(q => q.Symbol, _clock, sizeLimit: 2).Subscribe(c => sets.Add(Describe(c)));

        At(0, "ACME", 1);
        At(1, "XYZ", 2);
        At(2, "ACME", 3);
        At(3, "NEW", 4);

        Assert.That(sets, Is.EqualTo(new[] { "Add ACME=1", "Add XYZ=2", "Update ACME=3", "Add NEW=4,Remove XYZ=2" }));
    }

    [Test]
    public void A_bound_collection_gets_one_row_per_key_replaced_in_place_and_removed_on_expiry()
    {
        using var subscription = _quotes.LatestByKey(q => q.Symbol, _clock, expireAfter: TimeSpan.FromSeconds(10))
            .Bind(out ReadOnlyObservableCollection<Quote> rows)
            .Subscribe();
        var events = new List<string>();
        ((INotifyCollectionChanged)rows).CollectionChanged += (_, e) => events.Add(e.Action switch
        {
            NotifyCollectionChangedAction.Add => $"Add {string.Join(",", e.NewItems!.Cast<Quote>())} at {e.NewStartingIndex}",
            NotifyCollectionChangedAction.Replace => $"Replace {string.Join(",", e.OldItems!.Cast<Quote>())} by {string.Join(",", e.NewItems!.Cast<Quote>())} at {e.NewStartingIndex}",
            NotifyCollectionChangedAction.Remove => $"Remove {string.Join(",", e.OldItems!.Cast<Quote>())} at {e.OldStartingIndex}",
            _ => e.Action.ToString(),
        });

        At(0, "ACME", 1);
        At(1, "XYZ", 2);
        At(2, "ACME", 3);
        AdvanceTo(11);

        // DynamicData binds the first change set with a Reset (BindingOptions.ResetOnFirstTimeLoad), then change by change.
        Assert.That(events, Is.EqualTo(new[]
        {
            "Reset",
            "Add Quote { Symbol = XYZ, Price = 2 } at 1",
            "Replace Quote { Symbol = ACME, Price = 1 } by Quote { Symbol = ACME, Price = 3 } at 0",
            "Remove Quote { Symbol = XYZ, Price = 2 } at 1",
        }));
        Assert.That(rows, Is.EqualTo(new[] { new Quote("ACME", 3) }));
    }

    [Test]
    public void Disposing_unsubscribes_the_source_and_cancels_pending_expiries()
    {
        var sets = new List<string>();
        var subscription = _quotes.LatestByKey(q => q.Symbol, _clock, expireAfter: TimeSpan.FromSeconds(10)).Subscribe(c => sets.Add(Describe(c)));
        At(0, "ACME", 1);

        subscription.Dispose();
        AdvanceTo(60);

        Assert.That(_quotes.HasObservers, Is.False);
        Assert.That(sets, Is.EqualTo(new[] { "Add ACME=1" }));
    }

    [Test]
    public void The_sources_error_ends_the_change_set()
    {
        Exception? error = null;
        using var subscription = _quotes.LatestByKey(q => q.Symbol, _clock).Subscribe(_ => { }, e => error = e);

        _quotes.OnError(new StompErrorException("refused"));

        Assert.That(error, Is.InstanceOf<StompErrorException>());
    }

    [Test]
    public void Settings_that_cannot_work_are_refused()
    {
        Assert.That(() => _quotes.LatestByKey(q => q.Symbol, _clock, expireAfter: TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => _quotes.LatestByKey(q => q.Symbol, _clock, sizeLimit: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>A scheduler whose scheduled work cannot be cancelled.</summary>
    private sealed class NeverCancelling(IScheduler inner) : IScheduler
    {
        public DateTimeOffset Now => inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
        {
            inner.Schedule(state, action);
            return Disposable.Empty;
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            inner.Schedule(state, dueTime, action);
            return Disposable.Empty;
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            inner.Schedule(state, dueTime, action);
            return Disposable.Empty;
        }
    }
}

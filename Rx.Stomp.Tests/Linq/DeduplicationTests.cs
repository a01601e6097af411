using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Linq;
using Rx.Stomp.Tests.Reactive;

namespace Rx.Stomp.Tests.Linq;

/// <summary>
/// <see cref="Deduplication.DropDuplicates"/> in virtual time, on a stream of keyed items: what passes, what is dropped
/// and handed to the acknowledgement, how many keys are remembered, and for how long.
/// </summary>
public sealed class DeduplicationTests : ReactiveTest
{
    private const long End = 1_000_000;

    private TestScheduler _scheduler = null!;
    private List<string> _acknowledged = null!;

    /// <summary>NUnit runs every test on one instance of the fixture: each gets a clock of its own.</summary>
    [SetUp]
    public void NewClock()
    {
        _scheduler = new TestScheduler();
        _acknowledged = [];
    }

    [Test]
    public void The_first_of_each_key_passes_and_every_later_one_is_dropped_acknowledged_and_counted()
    {
        var filter = new DuplicateFilter(100, Timeout.InfiniteTimeSpan, _scheduler);
        var items = _scheduler.CreateHotObservable(
            OnNext(300, "a1"), OnNext(400, "b1"), OnNext(500, "a2"), OnNext(600, "c1"), OnNext(700, "b2"), OnNext(800, "a3"));

        var results = _scheduler.Start(() => Deduplicate(items, filter), created: 0, subscribed: 200, disposed: End);

        Marbles.AssertMessages(results.Messages, OnNext(300, "a1"), OnNext(400, "b1"), OnNext(600, "c1"));
        Assert.That(_acknowledged, Is.EqualTo(new[] { "a2", "b2", "a3" }));
        Assert.That((filter.Passed, filter.Dropped, filter.Count), Is.EqualTo((3L, 3L, 3)));
    }

    [Test]
    public void A_message_without_a_key_always_passes()
    {
        var filter = new DuplicateFilter(100, Timeout.InfiniteTimeSpan, _scheduler);
        var items = _scheduler.CreateHotObservable(OnNext(300, "-1"), OnNext(400, "-2"), OnNext(500, "a1"), OnNext(600, "-3"));

        var results = _scheduler.Start(() => Deduplicate(items, filter), created: 0, subscribed: 200, disposed: End);

        Marbles.AssertMessages(results.Messages, OnNext(300, "-1"), OnNext(400, "-2"), OnNext(500, "a1"), OnNext(600, "-3"));
        Assert.That((filter.Passed, filter.Dropped, filter.Count), Is.EqualTo((4L, 0L, 1)));
    }

    [Test]
    public void Beyond_the_capacity_the_oldest_key_is_forgotten_first()
    {
        var filter = new DuplicateFilter(2, Timeout.InfiniteTimeSpan, _scheduler);
        var items = _scheduler.CreateHotObservable(
            OnNext(300, "a1"), OnNext(400, "b1"), OnNext(500, "c1"), OnNext(600, "b2"), OnNext(700, "a2"), OnNext(800, "c2"), OnNext(900, "b3"));

        var results = _scheduler.Start(() => Deduplicate(items, filter), created: 0, subscribed: 200, disposed: End);

        // c1 pushes a out (b, c remembered); a2 pushes b out (c, a); b3 passes and pushes c out (a, b).
        Marbles.AssertMessages(results.Messages, OnNext(300, "a1"), OnNext(400, "b1"), OnNext(500, "c1"), OnNext(700, "a2"), OnNext(900, "b3"));
        Assert.That(_acknowledged, Is.EqualTo(new[] { "b2", "c2" }));
        Assert.That(filter.Count, Is.EqualTo(2));
    }

    [Test]
    public void A_key_is_forgotten_once_it_is_as_old_as_the_age_counted_from_its_first_message()
    {
        var filter = new DuplicateFilter(100, TimeSpan.FromTicks(1000), _scheduler);
        var items = _scheduler.CreateHotObservable(
            OnNext(300, "a1"), OnNext(800, "a2"), OnNext(1299, "a3"), OnNext(1300, "a4"), OnNext(2299, "a5"), OnNext(2300, "a6"));

        var results = _scheduler.Start(() => Deduplicate(items, filter), created: 0, subscribed: 200, disposed: End);

        // a2 at 800 does not renew a1's age: a4 passes at 1300, 1000 ticks after a1, and is remembered until 2300.
        Marbles.AssertMessages(results.Messages, OnNext(300, "a1"), OnNext(1300, "a4"), OnNext(2300, "a6"));
        Assert.That(_acknowledged, Is.EqualTo(new[] { "a2", "a3", "a5" }));
    }

    [Test]
    public void The_count_of_keys_remembered_stays_within_the_capacity_and_falls_to_zero_with_age()
    {
        var filter = new DuplicateFilter(50, TimeSpan.FromTicks(1000), _scheduler);
        var items = _scheduler.CreateHotObservable(Enumerable.Range(0, 200).Select(i => OnNext(300 + (2 * i), $"k{i}-1")).ToArray());
        var counts = new List<int>();
        foreach (var at in new long[] { 321, 399, 401, 699, 1599, 1601, 1697, 1699 })
        {
            _scheduler.ScheduleAbsolute(at, () => counts.Add(filter.Count));
        }

        var results = _scheduler.Start(() => Deduplicate(items, filter), created: 0, subscribed: 200, disposed: End);

        // Keys arrive at even ticks from 300 to 698; the 50 newest (first seen from 600 on) outlive the others, 1000
        // ticks each: at 1601 the one of 600 is gone, at 1697 only the one of 698 is left.
        Assert.That(counts, Is.EqualTo(new[] { 11, 50, 50, 50, 50, 49, 1, 0 }));
        Assert.That(results.Messages, Has.Count.EqualTo(200));
    }

    [Test]
    public void A_forgotten_key_passes_again()
    {
        var filter = new DuplicateFilter(100, Timeout.InfiniteTimeSpan, _scheduler);
        var items = _scheduler.CreateHotObservable(OnNext(300, "a1"), OnNext(500, "a2"), OnNext(700, "a3"));
        _scheduler.ScheduleAbsolute(600, () => filter.Forget("a"));

        var results = _scheduler.Start(() => Deduplicate(items, filter), created: 0, subscribed: 200, disposed: End);

        Marbles.AssertMessages(results.Messages, OnNext(300, "a1"), OnNext(700, "a3"));
        Assert.That(filter.Forget("unknown"), Is.False);
    }

    [Test]
    public void Streams_that_share_a_filter_share_what_was_seen_so_it_survives_a_new_subscription()
    {
        var filter = new DuplicateFilter(100, Timeout.InfiniteTimeSpan, _scheduler);
        var first = _scheduler.CreateHotObservable(OnNext(300, "a1"), OnNext(400, "b1"), OnError<string>(500, new InvalidOperationException("lost")));
        var second = _scheduler.CreateHotObservable(OnNext(600, "a2"), OnNext(700, "c1"), OnNext(800, "b2"));

        var results = _scheduler.Start(() => Deduplicate(first, filter).Catch(Deduplicate(second, filter)), created: 0, subscribed: 200, disposed: End);

        Marbles.AssertMessages(results.Messages, OnNext(300, "a1"), OnNext(400, "b1"), OnNext(700, "c1"));
        Assert.That(_acknowledged, Is.EqualTo(new[] { "a2", "b2" }));
    }

    [Test]
    public void A_capacity_below_one_or_an_age_neither_positive_nor_infinite_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new DuplicateFilter(0, TimeSpan.FromSeconds(1), _scheduler), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new DuplicateFilter(1, TimeSpan.Zero, _scheduler), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new DuplicateFilter(1, TimeSpan.FromSeconds(-2), _scheduler), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(new DuplicateFilter(1, Timeout.InfiniteTimeSpan, _scheduler).MaxAge, Is.EqualTo(Timeout.InfiniteTimeSpan));
        });
    }

    /// <summary>Items are "key" + "n" (the n-th send of that key); "-n" has no key.</summary>
    private IObservable<string> Deduplicate(IObservable<string> items, DuplicateFilter filter) =>
        Deduplication.DropDuplicates(items, item => item[0] == '-' ? null : item[..^1], filter, _acknowledged.Add);
}

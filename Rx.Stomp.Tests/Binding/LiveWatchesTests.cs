using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using DynamicData;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Binding;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Binding;

/// <summary>
/// <see cref="StompChangeSets.LiveWatches"/> bound to a collection, with the client on a virtual clock and the test
/// playing the broker: one row per live watch, its state updated in place, removed when it ends.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class LiveWatchesTests : IAsyncDisposable
{
    private readonly TestScheduler _clock = new();
    private readonly InMemoryTransport _broker = new();
    private readonly StompClient _client;
    private readonly ReplaySubject<IChangeSet<WatchState, string>> _applied = new();
    private readonly List<NotifyCollectionChangedAction> _events = [];
    private readonly List<int> _rowCounts = [];
    private IDisposable _binding = System.Reactive.Disposables.Disposable.Empty;
    private ReadOnlyObservableCollection<WatchState> _rows = null!;

    public LiveWatchesTests() => _client = new StompClient(new StompClientOptions
    {
        Transport = _broker,
        Scheduler = _clock,
        Reconnect = BackoffPolicy.Connect with { InitialDelay = TimeSpan.Zero, MaxAttempts = BackoffPolicy.Unlimited },
    });

    public async ValueTask DisposeAsync()
    {
        _binding.Dispose();
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
        _applied.Dispose();
    }

    private void Bind(TimeSpan keepFailedFor = default)
    {
        _binding = _client.LiveWatches(keepFailedFor).Bind(out _rows).Do(_ => _rowCounts.Add(_rows.Count)).Subscribe(_applied);
        ((INotifyCollectionChanged)_rows).CollectionChanged += (_, e) => _events.Add(e.Action);
    }

    /// <summary>Waits until the binding has applied a change to <paramref name="status"/> (or a removal, for null).</summary>
    private Task<IChangeSet<WatchState, string>> Applied(WatchStateKind? status) =>
        _applied.WhenAsync(changes => changes.Any(c => status is null ? c.Reason == ChangeReason.Remove : c.Current.Kind == status));

    private (string Id, string Destination, WatchStateKind Status)[] Rows() => [.. _rows.Select(r => (r.Id, r.Destination, r.Kind))];

    [Test]
    public async Task A_watch_is_added_updated_when_confirmed_and_removed_when_disposed()
    {
        var connection = await _broker.ConnectClientAsync(_client);
        Bind();

        var watch = _client.Watch("/queue/a").Subscribe(_ => { });
        var subscribe = await connection.ExpectAsync(StompCommand.Subscribe);
        await Applied(WatchStateKind.Subscribing);
        await connection.SendReceiptAsync(subscribe);
        await Applied(WatchStateKind.Subscribed);
        var id = subscribe.Headers["id"]!;
        Assert.That(Rows(), Is.EqualTo(new[] { (id, "/queue/a", WatchStateKind.Subscribed) }));

        watch.Dispose();
        await connection.ExpectAsync(StompCommand.Unsubscribe);
        await Applied(null);

        Assert.That(_rows, Is.Empty);
        Assert.That(_events, Is.EqualTo(new[] { NotifyCollectionChangedAction.Reset, NotifyCollectionChangedAction.Replace, NotifyCollectionChangedAction.Remove }));
    }

    [Test]
    public async Task A_reconnect_updates_each_row_in_place_and_a_watch_disposed_meanwhile_is_not_left_behind()
    {
        var first = await _broker.ConnectClientAsync(_client);
        Bind();
        using var kept = _client.Watch("/queue/kept").Subscribe(_ => { });
        var dropped = _client.Watch("/queue/dropped").Subscribe(_ => { });
        await first.SendReceiptAsync(await first.ExpectAsync(StompCommand.Subscribe));
        await first.SendReceiptAsync(await first.ExpectAsync(StompCommand.Subscribe));
        await _applied.Where(c => c.Any(x => x.Current.Kind == WatchStateKind.Subscribed)).TakeAsync(2);

        first.Abort();
        await _applied.Where(c => c.Any(x => x.Current.Kind == WatchStateKind.Resubscribing)).TakeAsync(2);
        var second = await _broker.AcceptAsync();
        dropped.Dispose();
        await second.AnswerConnectAsync();
        var again = await second.ExpectAsync(StompCommand.Subscribe);
        await second.SendReceiptAsync(again);
        await _applied.Where(c => c.Any(x => x.Current.Destination == "/queue/kept" && x.Current.Kind == WatchStateKind.Subscribed)).TakeAsync(2);

        Assert.That(again.Headers["destination"], Is.EqualTo("/queue/kept"), "the disposed watch is not subscribed again");
        Assert.That(Rows().Select(r => (r.Destination, r.Status)), Is.EqualTo(new[] { ("/queue/kept", WatchStateKind.Subscribed) }));
        Assert.That(_rowCounts.Max(), Is.EqualTo(2), "never a second row for the same watch");
    }

    [Test]
    public async Task A_refused_watch_shows_as_failed_with_its_error_for_the_time_asked_then_goes()
    {
        var connection = await _broker.ConnectClientAsync(_client);
        Bind(keepFailedFor: TimeSpan.FromSeconds(30));
        var ended = new TaskCompletionSource<Exception>();
        using var watch = _client.Watch("/queue/forbidden").Subscribe(_ => { }, e => ended.TrySetResult(e));

        var subscribe = await connection.ExpectAsync(StompCommand.Subscribe);
        await connection.SendErrorAsync("access refused", about: subscribe);
        await Applied(WatchStateKind.Failed);

        Assert.That(await ended.Task.WaitAsync(StreamWaits.DefaultTimeout), Is.InstanceOf<StompErrorException>());
        Assert.That(_rows.Single().Kind, Is.EqualTo(WatchStateKind.Failed));
        Assert.That(_rows.Single().Error?.Message, Does.Contain("access refused"));
        _clock.AdvanceBy(TimeSpan.FromSeconds(29.9).Ticks);
        Assert.That(_rows, Has.Count.EqualTo(1));
        _clock.AdvanceBy(TimeSpan.FromSeconds(0.1).Ticks);
        Assert.That(_rows, Is.Empty);
    }

    [Test]
    public async Task Without_a_time_to_keep_them_failed_watches_go_at_once_and_the_watches_already_live_come_first()
    {
        var connection = await _broker.ConnectClientAsync(_client);
        using var live = _client.Watch("/queue/live").Subscribe(_ => { });
        await connection.SendReceiptAsync(await connection.ExpectAsync(StompCommand.Subscribe));
        await _client.WatchStates.WhenAsync(s => s.Kind == WatchStateKind.Subscribed);
        Bind();
        Assert.That(Rows().Select(r => (r.Destination, r.Status)), Is.EqualTo(new[] { ("/queue/live", WatchStateKind.Subscribed) }));

        using var refused = _client.Watch("/queue/forbidden").Subscribe(_ => { }, _ => { });
        await connection.SendErrorAsync("access refused", about: await connection.ExpectAsync(StompCommand.Subscribe));
        await _client.WatchStates.WhenAsync(s => s.Kind == WatchStateKind.Failed);

        Assert.That(Rows().Select(r => r.Destination), Is.EqualTo(new[] { "/queue/live" }));
    }
}

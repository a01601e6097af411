using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using DynamicData;
using DynamicData.Binding;
using Rx.Stomp.Binding;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Linq;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Readme;

/// <summary>
/// README "UI binding and threading": the DynamicData code it shows, compiled and run against the embedded broker
/// with an event loop as the UI thread. Each <c>#region README name</c> here must stand in README.md as it is.
/// </summary>
public class ReadmeBindingExamples
{
    private sealed record Quote(string Symbol, decimal Bid);

    private sealed record Order(int Id, string Item);

    [Test]
    public async Task Latest_quote_per_symbol_the_last_orders_and_the_watches_bound_on_the_ui_thread()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        using var uiThread = new EventLoopScheduler(start => new Thread(start) { Name = "ui", IsBackground = true });
        var subscribed = broker.Events.Where(e => e.Kind == BrokerEventKind.Subscribed).TakeAsync(2);

        #region README binding
        // The latest quote per symbol, sorted by symbol; a symbol quiet for a minute leaves the view, 500 rows at most.
        using var quoting = client.Watch("/topic/quotes")
            .Select(m => m.Json<Quote>())
            .LatestByKey(q => q.Symbol, client.Options.Scheduler, expireAfter: TimeSpan.FromMinutes(1), sizeLimit: 500)
            .ObserveOn(uiThread)
            .SortAndBind(out ReadOnlyObservableCollection<Quote> quotes, SortExpressionComparer<Quote>.Ascending(q => q.Symbol))
            .Subscribe();

        // The last 100 orders, newest first.
        using var ordering = client.Watch("/queue/orders")
            .Select(m => m.Json<Order>())
            .RollingLog(100)
            .Reverse()
            .ObserveOn(uiThread)
            .Bind(out ReadOnlyObservableCollection<Order> orders)
            .Subscribe();

        // Every watch of the client with its state; a failed one stays a minute, with its error.
        using var watching = client.LiveWatches(keepFailedFor: TimeSpan.FromMinutes(1))
            .ObserveOn(uiThread)
            .SortAndBind(out ReadOnlyObservableCollection<WatchState> watches, SortExpressionComparer<WatchState>.Ascending(w => w.Destination))
            .Subscribe();
        #endregion

        var quoted = Changes(quotes).TakeAsync(3);
        var ordered = Changes(orders).TakeAsync(2);
        await subscribed;
        var json = new SendOptions { ContentType = "application/json" };
        await client.SendAsync("/topic/quotes", """{"Symbol":"XYZ","Bid":2.5}""", json);
        await client.SendAsync("/topic/quotes", """{"Symbol":"ACME","Bid":1.0}""", json);
        await client.SendAsync("/topic/quotes", """{"Symbol":"ACME","Bid":1.5}""", json);
        await client.SendAsync("/queue/orders", """{"Id":1,"Item":"tea"}""", json);
        await client.SendAsync("/queue/orders", """{"Id":2,"Item":"cake"}""", json);

        Assert.That((await quoted).Select(e => e.Thread).Distinct(), Is.EqualTo(new[] { "ui" }), "the collection changes on the UI thread");
        await ordered;
        Assert.That(await OnUi(uiThread, () => quotes.ToList()), Is.EqualTo(new[] { new Quote("ACME", 1.5m), new Quote("XYZ", 2.5m) }));
        Assert.That(await OnUi(uiThread, () => orders.ToList()), Is.EqualTo(new[] { new Order(2, "cake"), new Order(1, "tea") }));
        // Each SUBSCRIBE's RECEIPT came before the messages, and the UI thread runs things in order: both are Subscribed.
        Assert.That(await OnUi(uiThread, () => watches.Select(w => (w.Destination, w.Kind)).ToList()), Is.EqualTo(new[] { ("/queue/orders", WatchStateKind.Subscribed), ("/topic/quotes", WatchStateKind.Subscribed) }));
    }

    [Test]
    public void The_readme_shows_the_binding_code_as_it_is_here()
    {
        var readme = File.ReadAllText(Path.Combine(ReadmeExamples.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var regions = ReadmeExamples.Recipes(ReadmeExamples.RepositoryFile("Rx.Stomp.Tests", "Readme", "ReadmeBindingExamples.cs"));

        Assert.That(regions.Keys, Is.EquivalentTo(new[] { "binding" }));
        Assert.That(readme, Does.Contain(regions["binding"]), "README.md does not show the binding code as Readme/ReadmeBindingExamples.cs has it.");
    }

    /// <summary>Each change of <paramref name="collection"/>, with the name of the thread that made it.</summary>
    private static IObservable<(NotifyCollectionChangedAction Action, string? Thread)> Changes<T>(ReadOnlyObservableCollection<T> collection) =>
        Observable.FromEventPattern<NotifyCollectionChangedEventHandler, NotifyCollectionChangedEventArgs>(
                h => ((INotifyCollectionChanged)collection).CollectionChanged += h,
                h => ((INotifyCollectionChanged)collection).CollectionChanged -= h)
            .Select(e => (e.EventArgs.Action, Thread.CurrentThread.Name));

    /// <summary>What <paramref name="read"/> gives on <paramref name="uiThread"/>, where the collections change.</summary>
    private static Task<T> OnUi<T>(IScheduler uiThread, Func<T> read) => Observable.Start(read, uiThread).ToTask();
}

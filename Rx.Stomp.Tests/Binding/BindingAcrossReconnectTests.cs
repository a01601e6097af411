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

/// <summary>A collection bound to a watch's change set while the connection drops and comes back.</summary>
public class BindingAcrossReconnectTests
{
    private sealed record Quote(string Symbol, string Price);

    [Test]
    public async Task A_reconnect_in_the_middle_leaves_one_row_per_key_updated_in_place()
    {
        var clock = new TestScheduler();
        await using var broker = new InMemoryTransport();
        await using var client = new StompClient(new StompClientOptions { Transport = broker, Scheduler = clock, Reconnect = BackoffPolicy.Connect with { InitialDelay = TimeSpan.Zero, MaxAttempts = BackoffPolicy.Unlimited } });
        var first = await broker.ConnectClientAsync(client);
        var applied = new ReplaySubject<IChangeSet<Quote, string>>();
        using var binding = client.Watch("/topic/prices")
            .Select(m => new Quote(m.Headers["symbol"]!, m.GetBodyText()))
            .LatestByKey(q => q.Symbol, clock, expireAfter: TimeSpan.FromMinutes(1))
            .Bind(out ReadOnlyObservableCollection<Quote> rows)
            .Subscribe(applied);
        var events = new List<NotifyCollectionChangedAction>();
        ((INotifyCollectionChanged)rows).CollectionChanged += (_, e) => events.Add(e.Action);

        var subscribe = await first.ExpectAsync(StompCommand.Subscribe);
        await first.SendMessageAsync(subscribe, "1.0", Symbol("ACME"));
        await first.SendMessageAsync(subscribe, "2.0", Symbol("XYZ"));
        await applied.Where(c => c.Count > 0).TakeAsync(2);

        first.Abort();
        var second = await broker.AcceptAndConnectAsync();
        var again = await second.ExpectAsync(StompCommand.Subscribe);
        await second.SendMessageAsync(again, "1.5", Symbol("ACME"));
        await applied.Where(c => c.Count > 0).TakeAsync(3);

        Assert.That(again.Headers["id"], Is.EqualTo(subscribe.Headers["id"]), "the same watch, subscribed again");
        Assert.That(rows, Is.EqualTo(new[] { new Quote("ACME", "1.5"), new Quote("XYZ", "2.0") }), "no duplicate row, no row lost");
        Assert.That(events, Is.EqualTo(new[] { NotifyCollectionChangedAction.Reset, NotifyCollectionChangedAction.Add, NotifyCollectionChangedAction.Replace }),
            "the first load, the second symbol, the update after the reconnect: nothing removed or reset by it");
    }

    private static StompHeaders Symbol(string symbol) => StompHeaders.Create(("symbol", symbol));
}

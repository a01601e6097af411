using System.Collections.Specialized;
using System.Reactive.Subjects;
using DynamicData;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Dashboard;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// The dashboard's view model: the change sets sorted and filtered and bound on its UI scheduler, here a
/// <see cref="TestScheduler"/> that runs only when the test says, as a UI loop runs only between events.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class DashboardViewModelTests : IDisposable
{
    private readonly TestScheduler _ui = new();
    private readonly BehaviorSubject<ConnectionState> _states = new(ConnectionState.Initial);
    private readonly SourceCache<DestinationRow, string> _destinations = new(r => r.Destination);
    private readonly SourceCache<WatchState, string> _watches = new(w => w.Id);
    private readonly SourceList<DashboardMessage> _log = new();
    private readonly DashboardViewModel _model;

    public DashboardViewModelTests() => _model = new DashboardViewModel(_states, _destinations.Connect(), _watches.Connect(), _log.Connect(), _ui);

    public void Dispose()
    {
        _model.Dispose();
        _states.Dispose();
        _destinations.Dispose();
        _watches.Dispose();
        _log.Dispose();
    }

    private static DashboardMessage Message(string destination, string preview) => new(DateTimeOffset.UnixEpoch, destination, preview);

    [Test]
    public void Destinations_are_sorted_by_name_and_change_only_on_the_ui_scheduler()
    {
        _destinations.AddOrUpdate([new DestinationRow("/topic/b", 1, 0, "x"), new DestinationRow("/queue/a", 2, 0, "y")]);
        Assert.That(_model.Destinations, Is.Empty, "nothing changes before the UI scheduler runs");

        _ui.Start();
        _destinations.AddOrUpdate(new DestinationRow("/queue/a", 3, 1.0, "z"));
        _ui.Start();

        Assert.That(_model.Destinations.Select(r => (r.Destination, r.Count)), Is.EqualTo(new[] { ("/queue/a", 3L), ("/topic/b", 1L) }));
    }

    [Test]
    public void Watches_are_sorted_by_destination_and_their_state_updated_in_place()
    {
        _watches.AddOrUpdate([new WatchState("sub-2", "/topic/b", WatchStateKind.Subscribing), new WatchState("sub-1", "/queue/a", WatchStateKind.Subscribed)]);
        _ui.Start();
        _watches.AddOrUpdate(new WatchState("sub-2", "/topic/b", WatchStateKind.Resubscribing));
        _ui.Start();

        Assert.That(_model.Watches.Select(w => (w.Destination, w.Kind)), Is.EqualTo(new[] { ("/queue/a", WatchStateKind.Subscribed), ("/topic/b", WatchStateKind.Resubscribing) }));
    }

    [Test]
    public void The_log_shows_the_newest_first_and_only_what_matches_the_filter()
    {
        var events = new List<NotifyCollectionChangedAction>();
        ((INotifyCollectionChanged)_model.Log).CollectionChanged += (_, e) => events.Add(e.Action);
        _log.AddRange([Message("/queue/a", "one"), Message("/queue/b", "two"), Message("/queue/a", "three")]);
        _ui.Start();
        Assert.That(_model.Log.Select(m => m.Preview), Is.EqualTo(new[] { "three", "two", "one" }));

        _model.Filter = "queue/A";
        _ui.Start();
        Assert.That(_model.Log.Select(m => m.Preview), Is.EqualTo(new[] { "three", "one" }), "matched on the destination, ignoring case");

        _log.Add(Message("/queue/b", "another"));
        _log.Add(Message("/queue/a", "four"));
        _ui.Start();
        Assert.That(_model.Log.Select(m => m.Preview), Is.EqualTo(new[] { "four", "three", "one" }));

        _model.Filter = "";
        _ui.Start();
        Assert.That(_model.Log.Select(m => m.Preview), Is.EqualTo(new[] { "four", "another", "three", "two", "one" }));
        Assert.That(events, Is.Not.Empty.And.All.Not.EqualTo(NotifyCollectionChangedAction.Move), "rows are added and removed in place");
    }

    [Test]
    public void The_state_is_taken_on_the_ui_scheduler_and_announced()
    {
        var announced = 0;
        _model.StateChanged += (_, _) => announced++;
        var connected = new ConnectionState(ConnectionStateKind.Connected, new StompEndpoint("broker"));

        _states.OnNext(connected);
        Assert.That(_model.State, Is.EqualTo(ConnectionState.Initial));
        _ui.Start();

        Assert.That(_model.State, Is.EqualTo(connected));
        Assert.That(announced, Is.EqualTo(2), "the initial state, then Connected");
    }
}

using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using DynamicData;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Samples.Dashboard;
using Rx.Stomp.Transport;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Time;
using Terminal.Gui.Views;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// The dashboard's Terminal.Gui screen drawn off-screen by the ANSI driver (no terminal needed): what it shows of the
/// view model's collections, and the filter box driving the log.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class DashboardViewTests : IDisposable
{
    private readonly IApplication _app = Application.Create(new VirtualTimeProvider());
    private readonly BehaviorSubject<ConnectionState> _states = new(new ConnectionState(ConnectionStateKind.Connected, new StompEndpoint("broker.example", 61613), Version: StompVersion.V12, Server: "Example/1"));
    private readonly SourceCache<DestinationRow, string> _destinations = new(r => r.Destination);
    private readonly SourceCache<WatchState, string> _watches = new(w => w.Id);
    private readonly SourceList<DashboardMessage> _log = new();
    private readonly DashboardViewModel _model;
    private readonly DashboardView _view;
    private readonly SessionToken _session;

    public DashboardViewTests()
    {
        _app.Init(DriverRegistry.Names.ANSI);
        _app.Driver!.SetScreenSize(80, 30);
        _model = new DashboardViewModel(_states, _destinations.Connect(), _watches.Connect(), _log.Connect(), ImmediateScheduler.Instance);
        _view = new DashboardView(_model);
        _session = _app.Begin(_view)!;
    }

    public void Dispose()
    {
        _app.End(_session);
        _view.Dispose();
        _model.Dispose();
        _app.Dispose();
        _states.Dispose();
        _destinations.Dispose();
        _watches.Dispose();
        _log.Dispose();
    }

    private string[] Screen()
    {
        _app.LayoutAndDraw();
        return _app.Driver!.ToString()!.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToArray();
    }

    [Test]
    public void It_shows_the_state_a_row_per_destination_and_the_log_newest_first()
    {
        _destinations.AddOrUpdate([new DestinationRow("/topic/b", 3, 1.5, "bee"), new DestinationRow("/queue/a", 12, 0, null)]);
        _log.AddRange([new DashboardMessage(new DateTimeOffset(2026, 1, 2, 10, 0, 1, TimeSpan.Zero), "/queue/a", "first"), new DashboardMessage(new DateTimeOffset(2026, 1, 2, 10, 0, 2, TimeSpan.Zero), "/topic/b", "second")]);

        var screen = Screen();

        Assert.That(screen, Has.Some.Contains("Connected to broker.example:61613 (STOMP 1.2, server Example/1)"));
        Assert.That(Rows(screen, "/queue/a", "/topic/b"), Is.EqualTo(new[]
        {
            "│/queue/a   │12      │0.0       │—",
            "│/topic/b   │3       │1.5       │bee",
            "│10:00:02│/topic/b   │second",
            "│10:00:01│/queue/a   │first",
        }));
    }

    [Test]
    public void It_shows_each_watch_with_its_state_and_the_error_of_a_failed_one()
    {
        _watches.AddOrUpdate([new WatchState("sub-1", "/queue/a", WatchStateKind.Subscribed), new WatchState("sub-2", "/queue/b", WatchStateKind.Failed, new StompErrorException("access refused"))]);

        Assert.That(Rows(Screen(), "sub-1", "sub-2"), Is.EqualTo(new[]
        {
            "│sub-1│/queue/a   │Subscribed",
            "│sub-2│/queue/b   │Failed: access refused",
        }));
    }

    [Test]
    public void Rows_added_after_the_screen_was_drawn_are_drawn()
    {
        _destinations.AddOrUpdate(new DestinationRow("/queue/a", 1, 0, "x"));
        Assert.That(Screen(), Has.Some.Contains("/queue/a"));

        _destinations.AddOrUpdate(new DestinationRow("/queue/b", 2, 0, "y"));
        _log.Add(new DashboardMessage(DateTimeOffset.UnixEpoch, "/queue/b", "y"));

        Assert.That(Screen(), Has.Some.Contains("│/queue/b   │2").And.Some.Contains("│/queue/b   │y"));
    }

    [Test]
    public void Typing_in_the_filter_box_filters_the_log_on_screen()
    {
        _log.AddRange([new DashboardMessage(DateTimeOffset.UnixEpoch, "/queue/a", "apples"), new DashboardMessage(DateTimeOffset.UnixEpoch, "/queue/b", "pears")]);

        _view.SubViews.OfType<TextField>().Single().Text = "PEAR";

        Assert.That(_model.Filter, Is.EqualTo("PEAR"));
        Assert.That(Screen(), Has.Some.Contains("pears").And.None.Contains("apples"));
    }

    [Test]
    public void A_change_of_state_is_shown()
    {
        _states.OnNext(new ConnectionState(ConnectionStateKind.Reconnecting, new StompEndpoint("broker.example", 61613), Attempt: 2, NextDelay: TimeSpan.FromSeconds(4), Error: new StompConnectionException("gone")));

        Assert.That(Screen(), Has.Some.Contains("Reconnecting (attempt 2, in 4 s) after: gone"));
    }

    /// <summary>The table rows of <paramref name="screen"/> whose first cell is one of <paramref name="keys"/>, from the inner border, trimmed.</summary>
    private static IEnumerable<string> Rows(string[] screen, params string[] keys) =>
        screen.Where(l => keys.Any(k => l.StartsWith("││" + k, StringComparison.Ordinal) || l.Contains("│" + k + " ", StringComparison.Ordinal)))
            .Select(l => l[1..].TrimEnd('│', ' ').TrimEnd());
}

using System.Collections.ObjectModel;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using DynamicData;
using DynamicData.Binding;
using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>
/// What the dashboard's screen binds to: the sources sorted and filtered, bound to read-only collections on the UI
/// thread (<c>ui</c>): destinations by name, the watches by destination, the log newest first filtered by
/// <see cref="Filter"/>, and the connection state.
/// </summary>
internal sealed class DashboardViewModel : IDisposable
{
    private readonly BehaviorSubject<string> _filter = new("");
    private readonly CompositeDisposable _bindings = [];
    private readonly ReadOnlyObservableCollection<DestinationRow> _destinations;
    private readonly ReadOnlyObservableCollection<WatchState> _watches;
    private readonly ReadOnlyObservableCollection<DashboardMessage> _log;

    public DashboardViewModel(
        IObservable<ConnectionState> states,
        IObservable<IChangeSet<DestinationRow, string>> destinations,
        IObservable<IChangeSet<WatchState, string>> watches,
        IObservable<IChangeSet<DashboardMessage>> log,
        IScheduler ui)
    {
        _bindings.Add(destinations
            .ObserveOn(ui)
            .SortAndBind(out _destinations, SortExpressionComparer<DestinationRow>.Ascending(r => r.Destination))
            .Subscribe());
        _bindings.Add(watches
            .ObserveOn(ui)
            .SortAndBind(out _watches, SortExpressionComparer<WatchState>.Ascending(w => w.Destination).ThenByAscending(w => w.Id))
            .Subscribe());
        // Filtered while oldest first (a filter appends what it lets through, and re-adds in order when it changes),
        // then reversed.
        _bindings.Add(log
            .Filter(_filter.Select(Matching), ListFilterPolicy.ClearAndReplace)
            .Reverse()
            .ObserveOn(ui)
            .Bind(out _log)
            .Subscribe());
        _bindings.Add(states.ObserveOn(ui).Subscribe(state =>
        {
            State = state;
            StateChanged?.Invoke(this, EventArgs.Empty);
        }));
        _bindings.Add(_filter);
    }

    /// <summary>Raised on the UI thread when <see cref="State"/> changed.</summary>
    public event EventHandler? StateChanged;

    /// <summary>One row per destination, sorted by destination.</summary>
    public ReadOnlyObservableCollection<DestinationRow> Destinations => _destinations;

    /// <summary>The client's live watches with their state, sorted by destination.</summary>
    public ReadOnlyObservableCollection<WatchState> Watches => _watches;

    /// <summary>The latest messages whose destination or preview contains <see cref="Filter"/>, newest first.</summary>
    public ReadOnlyObservableCollection<DashboardMessage> Log => _log;

    /// <summary>The client's connection state, as last seen on the UI thread.</summary>
    public ConnectionState State { get; private set; } = ConnectionState.Initial;

    /// <summary>The text the log's rows must contain (ignoring case); empty shows every row.</summary>
    public string Filter
    {
        get => _filter.Value;
        set => _filter.OnNext(value ?? "");
    }

    public void Dispose() => _bindings.Dispose();

    private static Func<DashboardMessage, bool> Matching(string text) => message =>
        text.Length == 0
        || message.Destination.Contains(text, StringComparison.OrdinalIgnoreCase)
        || message.Preview.Contains(text, StringComparison.OrdinalIgnoreCase);
}

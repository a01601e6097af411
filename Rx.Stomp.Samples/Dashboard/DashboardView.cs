using System.Collections.Specialized;
using System.Globalization;
using Rx.Stomp.Client;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>
/// The dashboard's screen (Terminal.Gui): the connection state, a table of the destinations, one of the watches with
/// their state, a filter box and the log of the latest messages, each bound to the view model's collections. Built
/// and changed on the UI thread.
/// </summary>
internal sealed class DashboardView : Window
{
    public DashboardView(DashboardViewModel model)
    {
        Title = "rxstomp dashboard (Esc quits)";
        var state = new Label { X = 0, Y = 0, Width = Dim.Fill(), Text = model.State.ToString() };
        model.StateChanged += (_, _) => state.Text = model.State.ToString();

        var destinations = Table(
            new CollectionTableSource<DestinationRow>(
                model.Destinations,
                ("destination", r => r.Destination),
                ("messages", r => r.Count),
                ("per second", r => r.Rate.ToString("0.0", CultureInfo.InvariantCulture)),
                ("last message", r => r.LastMessage ?? "—")),
            model.Destinations);
        destinations.Y = 1;
        destinations.Height = Dim.Percent(30);

        var watches = Table(
            new CollectionTableSource<WatchState>(
                model.Watches,
                ("watch", w => w.Id),
                ("destination", w => w.Destination),
                ("state", w => w.Error is null ? w.Kind.ToString() : $"{w.Kind}: {w.Error.Message}")),
            model.Watches);
        watches.Y = Pos.Bottom(destinations);
        watches.Height = Dim.Percent(30);

        var filterLabel = new Label { X = 0, Y = Pos.Bottom(watches), Text = "filter:" };
        var filter = new TextField { X = Pos.Right(filterLabel) + 1, Y = Pos.Top(filterLabel), Width = Dim.Fill(), Text = model.Filter };
        filter.TextChanged += (_, _) => model.Filter = filter.Text;

        var log = Table(
            new CollectionTableSource<DashboardMessage>(
                model.Log,
                ("time", m => m.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture)),
                ("destination", m => m.Destination),
                ("message", m => m.Preview)),
            model.Log);
        log.Y = Pos.Bottom(filterLabel);
        log.Height = Dim.Fill();

        Add(state, destinations, watches, filterLabel, filter, log);
    }

    /// <summary>A table over <paramref name="source"/> that redraws whenever <paramref name="rows"/> change.</summary>
    private static TableView Table(ITableSource source, INotifyCollectionChanged rows)
    {
        var table = new TableView(source) { X = 0, Width = Dim.Fill(), FullRowSelect = true };
        table.Style.ExpandLastColumn = true;
        rows.CollectionChanged += (_, _) => table.Update();
        return table;
    }
}

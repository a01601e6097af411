using System.Globalization;
using Rx.Stomp.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>Draws snapshots: in place with a live display on a terminal, one after another when the output is redirected.</summary>
internal static class DashboardView
{
    /// <summary>Shows every snapshot until <paramref name="snapshots"/> ends; its error is rethrown.</summary>
    public static async Task ShowAsync(IAnsiConsole console, IObservable<DashboardSnapshot> snapshots, bool inPlace, CancellationToken cancellationToken)
    {
        var channel = System.Threading.Channels.Channel.CreateUnbounded<DashboardSnapshot>();
        using var feeding = snapshots.Subscribe(s => channel.Writer.TryWrite(s), e => channel.Writer.TryComplete(e), () => channel.Writer.TryComplete());
        if (!inPlace)
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
            {
                console.Write(Render(snapshot));
                console.WriteLine();
            }

            return;
        }

        await console.Live(new Text("Connecting…")).StartAsync(async live =>
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
            {
                live.UpdateTarget(Render(snapshot));
            }
        });
    }

    /// <summary>One snapshot as a table.</summary>
    public static IRenderable Render(DashboardSnapshot snapshot)
    {
        var table = new Table()
            .Title($"rxstomp dashboard — update {snapshot.Update}")
            .Caption(Markup.Escape(snapshot.State.ToString()), new Style(snapshot.State.Status == ConnectionStatus.Connected ? Color.Green : Color.Yellow))
            .AddColumn("destination")
            .AddColumn(new TableColumn("messages").RightAligned())
            .AddColumn(new TableColumn("per second").RightAligned())
            .AddColumn("last message");
        foreach (var row in snapshot.Rows)
        {
            table.AddRow(
                Markup.Escape(row.Destination),
                row.Count.ToString(CultureInfo.InvariantCulture),
                row.Rate.ToString("0.0", CultureInfo.InvariantCulture),
                Markup.Escape(row.LastMessage ?? "—"));
        }

        return table;
    }
}

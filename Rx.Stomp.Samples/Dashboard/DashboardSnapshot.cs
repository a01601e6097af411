using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>One message as the dashboard counts it.</summary>
/// <param name="Destination">The destination it was watched on.</param>
/// <param name="Preview">The start of its body, as one line.</param>
internal sealed record DashboardMessage(string Destination, string Preview);

/// <summary>One row of the dashboard.</summary>
/// <param name="Destination">The destination watched.</param>
/// <param name="Count">Messages received since the dashboard started.</param>
/// <param name="Rate">Messages per second over the last update interval.</param>
/// <param name="LastMessage">The preview of the latest message, if any.</param>
internal sealed record DestinationRow(string Destination, long Count, double Rate, string? LastMessage);

/// <summary>What the dashboard shows at one update.</summary>
/// <param name="Update">The update's number, from 1.</param>
/// <param name="State">The client's connection state.</param>
/// <param name="Rows">One row per destination, in the order they were given.</param>
internal sealed record DashboardSnapshot(long Update, ConnectionState State, IReadOnlyList<DestinationRow> Rows);

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>One message as the dashboard shows it.</summary>
/// <param name="At">When it arrived, on the dashboard's clock.</param>
/// <param name="Destination">The destination it was watched on.</param>
/// <param name="Preview">The start of its body, as one line.</param>
internal sealed record DashboardMessage(DateTimeOffset At, string Destination, string Preview);

/// <summary>One row of the destinations table.</summary>
/// <param name="Destination">The destination watched.</param>
/// <param name="Count">Messages received since the dashboard started.</param>
/// <param name="Rate">Messages per second over the last update interval.</param>
/// <param name="LastMessage">The preview of the latest message, if any.</param>
internal sealed record DestinationRow(string Destination, long Count, double Rate, string? LastMessage);

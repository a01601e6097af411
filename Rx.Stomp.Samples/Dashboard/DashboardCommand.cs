using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;
using Spectre.Console;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>
/// <c>rxstomp dashboard</c>: a live table of the connection state and, per destination, the message count, rate and
/// latest message. Without a broker address it starts the embedded broker and sends demo traffic to it.
/// </summary>
internal sealed class DashboardCommand : ClientCommand<DashboardSettings>
{
    private static readonly TimeSpan TrafficInterval = TimeSpan.FromMilliseconds(50);

    protected override async Task<int> RunAsync(DashboardSettings settings, StompClientOptions options, CancellationToken cancellationToken)
    {
        var destinations = settings.ParseDestinations();
        var interval = settings.ParseInterval();
        var updates = settings.ParseUpdates();
        await using var broker = settings.UsesEmbeddedBroker ? await StompBroker.StartAsync(cancellationToken: cancellationToken) : null;
        if (broker is not null)
        {
            options = options with { Endpoints = [broker.Endpoint] };
        }

        await using var client = new StompClient(options);
        await client.ConnectAsync(cancellationToken);
        var snapshots = DashboardModel.Snapshots(client, destinations, interval, DefaultScheduler.Instance);
        if (updates is { } n)
        {
            snapshots = snapshots.Take(n);
        }

        using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var traffic = broker is null ? Task.CompletedTask : SendTrafficAsync(broker, client, destinations, stopTraffic.Token);
        await DashboardView.ShowAsync(AnsiConsole.Console, snapshots, inPlace: !Console.IsOutputRedirected, cancellationToken);
        await stopTraffic.CancelAsync();
        await traffic.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Demo traffic for the embedded broker, from the moment the dashboard's subscriptions are in place until
    /// cancelled: destination i gets a message every i+1 ticks.
    /// </summary>
    private static async Task SendTrafficAsync(StompBroker broker, StompClient client, IReadOnlyList<string> destinations, CancellationToken cancellationToken)
    {
        await broker.Events.Where(e => e.Kind == BrokerEventKind.Subscribed).Take(destinations.Count).ToTask(cancellationToken);
        for (var tick = 0L; !cancellationToken.IsCancellationRequested; tick++)
        {
            for (var i = 0; i < destinations.Count; i++)
            {
                if (tick % (i + 1) == 0)
                {
                    await client.SendAsync(destinations[i], $"message {tick.ToString(CultureInfo.InvariantCulture)} to {destinations[i]}", cancellationToken: cancellationToken);
                }
            }

            await Task.Delay(TrafficInterval, cancellationToken);
        }
    }
}

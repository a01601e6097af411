using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Binding;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>
/// <c>rxstomp dashboard</c>: a Terminal.Gui screen of the connection state, one row per destination (message count,
/// rate, latest message), the watches with their state and a filterable log of the latest messages, bound to
/// DynamicData change sets. Without a
/// broker address it starts the embedded broker and sends demo traffic to it. Without a terminal (output
/// redirected) the same screen is drawn off-screen and printed as text at every update.
/// </summary>
internal sealed class DashboardCommand : ClientCommand<DashboardSettings>
{
    private const int LogSize = 100;
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

        // The traffic waits for the dashboard's subscriptions: it listens for them before the bindings subscribe.
        using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var traffic = broker is null ? Task.CompletedTask : SendTrafficAsync(broker, client, destinations, stopTraffic.Token);
        var headless = Console.IsOutputRedirected;
        using var app = Application.Create();
        app.Init(headless ? DriverRegistry.Names.ANSI : null);
        var clock = DefaultScheduler.Instance;
        var messages = DashboardModel.Messages(client, destinations, clock).Publish().RefCount();
        using var model = new DashboardViewModel(
            client.State,
            DashboardModel.Destinations(messages, destinations, interval, clock),
            client.LiveWatches(keepFailedFor: TimeSpan.FromSeconds(30)),
            DashboardModel.Log(messages, LogSize),
            new UiScheduler(app));
        using var view = new DashboardView(model);

        var update = 0;
        app.AddTimeout(interval, () =>
        {
            update++;
            if (headless)
            {
                Print(app, update);
            }

            if (update == updates)
            {
                app.RequestStop();
            }

            return update != updates;
        });
        using var stopping = cancellationToken.Register(() => app.Invoke(app.RequestStop));
        app.Run(view);
        await stopTraffic.CancelAsync();
        await traffic.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
        return ExitCodes.Success;
    }

    /// <summary>The screen as text, after laying it out and drawing what changed.</summary>
    private static void Print(IApplication app, int update)
    {
        app.LayoutAndDraw();
        Console.Out.WriteLine($"rxstomp dashboard — update {update.ToString(CultureInfo.InvariantCulture)}");
        foreach (var line in (app.Driver?.ToString() ?? "").ReplaceLineEndings("\n").Split('\n'))
        {
            Console.Out.WriteLine(line.TrimEnd());
        }
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

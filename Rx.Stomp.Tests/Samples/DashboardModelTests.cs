using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Dashboard;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Samples;

/// <summary>The dashboard's snapshots in virtual time: counts, rates, latest messages and the state, per update.</summary>
public class DashboardModelTests
{
    private static readonly string[] Destinations = ["/queue/a", "/queue/b"];
    private static readonly ConnectionState Connected = new(ConnectionStatus.Connected, new StompEndpoint("broker"));
    private static readonly ConnectionState Reconnecting = new(ConnectionStatus.Reconnecting, new StompEndpoint("broker"), Attempt: 1);

    private static long Ms(double ms) => TimeSpan.FromMilliseconds(ms).Ticks;

    [Test]
    public void Each_update_shows_the_state_and_per_destination_count_rate_and_last_message()
    {
        var clock = new TestScheduler();
        // Cold, like StompClient.State: the current state on subscription, then changes.
        var states = clock.CreateColdObservable(
            ReactiveTest.OnNext(0, Connected),
            ReactiveTest.OnNext(Ms(2500), Reconnecting));
        var messages = clock.CreateHotObservable(
            ReactiveTest.OnNext(Ms(100), new DashboardMessage("/queue/a", "a1")),
            ReactiveTest.OnNext(Ms(200), new DashboardMessage("/queue/a", "a2")),
            ReactiveTest.OnNext(Ms(1500), new DashboardMessage("/queue/b", "b1")),
            ReactiveTest.OnNext(Ms(3200), new DashboardMessage("/queue/x", "not watched")));

        var observed = clock.Start(() => DashboardModel.Snapshots(states, messages, Destinations, TimeSpan.FromSeconds(1), clock), created: 0, subscribed: Ms(1), disposed: Ms(3600));

        var snapshots = observed.Messages.Select(m => m.Value.Value).ToList();
        Assert.That(observed.Messages.Select(m => m.Time), Is.EqualTo(new[] { Ms(1001), Ms(2001), Ms(3001) }));
        Assert.That(snapshots.Select(s => s.Update), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(snapshots.Select(s => s.State.Status), Is.EqualTo(new[] { ConnectionStatus.Connected, ConnectionStatus.Connected, ConnectionStatus.Reconnecting }));
        Assert.That(snapshots[0].Rows, Is.EqualTo(new[] { new DestinationRow("/queue/a", 2, 2.0, "a2"), new DestinationRow("/queue/b", 0, 0.0, null) }));
        Assert.That(snapshots[1].Rows, Is.EqualTo(new[] { new DestinationRow("/queue/a", 2, 0.0, "a2"), new DestinationRow("/queue/b", 1, 1.0, "b1") }));
        Assert.That(snapshots[2].Rows, Is.EqualTo(new[] { new DestinationRow("/queue/a", 2, 0.0, "a2"), new DestinationRow("/queue/b", 1, 0.0, "b1") }));
    }

    [Test]
    public void The_rate_is_per_second_whatever_the_interval()
    {
        var clock = new TestScheduler();
        var states = clock.CreateColdObservable(ReactiveTest.OnNext(0, Connected));
        var messages = clock.CreateHotObservable(Enumerable.Range(1, 5).Select(i => ReactiveTest.OnNext(Ms(i * 10), new DashboardMessage("/queue/a", $"m{i}"))).ToArray());

        var observed = clock.Start(() => DashboardModel.Snapshots(states, messages, ["/queue/a"], TimeSpan.FromMilliseconds(250), clock), created: 0, subscribed: Ms(1), disposed: Ms(300));

        Assert.That(observed.Messages.Single().Value.Value.Rows.Single(), Is.EqualTo(new DestinationRow("/queue/a", 5, 20.0, "m5")));
    }
}

using Microsoft.Reactive.Testing;
using NUnit.Framework;
using Rx.Stomp;
using Rx.Stomp.Client;
using Rx.Stomp.Testing;

namespace MyApp.Tests;

public class ConnectionBannerTests
{
    // The code under test: a view model that shows the connection's state.
    public sealed class ConnectionBanner(StompClient client)
    {
        public List<string> Shown { get; } = [];

        public IDisposable Bind() => client.State.Subscribe(state => Shown.Add(
            state.Error is HeartbeatTimeoutException ? "Broker silent, reconnecting" : state.Kind.ToString()));
    }

    [Test]
    public async Task Silent_broker_shows_reconnecting_then_connected()
    {
        var clock = new TestScheduler();
        await using var broker = new InMemoryTransport();             // no socket: the test plays the broker
        await using var client = new StompClient(new StompClientOptions
        {
            Transport = broker,
            Scheduler = clock,                                        // heart-beats and timeouts in virtual time
            Heartbeat = new HeartbeatIntervals(TimeSpan.Zero, TimeSpan.FromSeconds(1)),
        });
        var banner = new ConnectionBanner(client);
        using var binding = banner.Bind();

        await broker.ConnectClientAsync(client, heartbeat: "1000,0"); // promises a heart-beat every second...
        clock.AdvanceBy(TimeSpan.FromSeconds(2).Ticks);               // ...and sends none for two
        await broker.AcceptAndConnectAsync();                         // the client reconnects at once
        await client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);

        Assert.That(banner.Shown, Is.EqualTo(new[]
            { "Disconnected", "Connecting", "Connected", "Broker silent, reconnecting", "Connecting", "Connected" }));
    }
}

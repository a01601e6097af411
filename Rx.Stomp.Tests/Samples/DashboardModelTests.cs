using System.Reactive.Subjects;
using DynamicData;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Samples.Dashboard;

namespace Rx.Stomp.Tests.Samples;

/// <summary>The dashboard's change sets in virtual time: a row per destination updated every interval, and the log.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class DashboardModelTests : IDisposable
{
    private static readonly string[] Destinations = ["/queue/a", "/queue/b"];
    private readonly TestScheduler _clock = new();
    private readonly Subject<DashboardMessage> _messages = new();

    public void Dispose() => _messages.Dispose();

    private static long Ms(double ms) => TimeSpan.FromMilliseconds(ms).Ticks;

    private void At(double ms, string destination, string preview)
    {
        _clock.AdvanceTo(Ms(ms));
        _messages.OnNext(new DashboardMessage(_clock.Now, destination, preview));
    }

    [Test]
    public void Each_destination_has_a_row_from_the_start_updated_every_interval_with_count_rate_and_last_message()
    {
        var rows = new List<(long At, DestinationRow Row)>();
        using var subscription = DashboardModel.Destinations(_messages, Destinations, TimeSpan.FromSeconds(1), _clock)
            .Subscribe(changes => rows.AddRange(changes.Select(c => (_clock.Clock, c.Current))));

        At(100, "/queue/a", "a1");
        At(200, "/queue/a", "a2");
        At(1500, "/queue/b", "b1");
        At(1600, "/queue/x", "not watched");
        _clock.AdvanceTo(Ms(2000));

        Assert.That(rows, Is.EqualTo(new[]
        {
            (0L, new DestinationRow("/queue/a", 0, 0, null)),
            (0L, new DestinationRow("/queue/b", 0, 0, null)),
            (Ms(1000), new DestinationRow("/queue/a", 2, 2.0, "a2")),
            (Ms(1000), new DestinationRow("/queue/b", 0, 0, null)),
            (Ms(2000), new DestinationRow("/queue/a", 2, 0, "a2")),
            (Ms(2000), new DestinationRow("/queue/b", 1, 1.0, "b1")),
        }));
    }

    [Test]
    public void The_rate_is_per_second_whatever_the_interval()
    {
        var rows = new List<DestinationRow>();
        using var subscription = DashboardModel.Destinations(_messages, ["/queue/a"], TimeSpan.FromMilliseconds(250), _clock)
            .Subscribe(changes => rows.AddRange(changes.Select(c => c.Current)));

        for (var i = 1; i <= 5; i++)
        {
            At(i * 10, "/queue/a", $"m{i}");
        }

        _clock.AdvanceTo(Ms(250));

        Assert.That(rows[^1], Is.EqualTo(new DestinationRow("/queue/a", 5, 20.0, "m5")));
    }

    [Test]
    public void The_log_keeps_the_last_messages_oldest_first()
    {
        using var subscription = DashboardModel.Log(_messages, 2).Bind(out var log).Subscribe();

        At(1, "/queue/a", "one");
        At(2, "/queue/b", "two");
        At(3, "/queue/a", "three");

        Assert.That(log.Select(m => m.Preview), Is.EqualTo(new[] { "two", "three" }));
    }
}

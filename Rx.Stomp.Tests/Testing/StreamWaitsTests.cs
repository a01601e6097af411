using System.Reactive.Subjects;

namespace Rx.Stomp.Tests.Testing;

/// <summary>The kit's bounded waits on observables.</summary>
public class StreamWaitsTests
{
    [Test]
    public async Task WhenAsync_subscribes_at_once_and_gives_the_first_value_that_matches()
    {
        using var source = new Subject<int>();
        var even = source.WhenAsync(n => n % 2 == 0);
        Assert.That(source.HasObservers, Is.True, "subscribed before anything is published");

        source.OnNext(1);
        source.OnNext(4);
        source.OnNext(6);

        Assert.That(await even, Is.EqualTo(4));
        Assert.That(source.HasObservers, Is.False, "unsubscribed once answered");
    }

    [Test]
    public void WhenAsync_times_out_unsubscribed_and_saying_how_long_it_waited()
    {
        using var source = new Subject<int>();

        Assert.That(() => source.WhenAsync(n => n > 0, TimeSpan.FromMilliseconds(50)), Throws.InstanceOf<TimeoutException>().With.Message.Contains("0.05 s"));
        Assert.That(source.HasObservers, Is.False);
    }

    [Test]
    public void WhenAsync_on_a_stream_that_ends_first_fails()
    {
        using var source = new Subject<int>();
        var wait = source.WhenAsync(n => n > 10);

        source.OnNext(1);
        source.OnCompleted();

        Assert.That(() => wait, Throws.InvalidOperationException);
    }

    [Test]
    public async Task TakeAsync_gives_the_first_values_in_order_and_says_how_many_came_when_it_times_out()
    {
        using var source = new Subject<string>();
        var three = source.TakeAsync(3);
        var four = source.TakeAsync(4, TimeSpan.FromMilliseconds(200));

        foreach (var value in new[] { "a", "b", "c" })
        {
            source.OnNext(value);
        }

        Assert.That(await three, Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(() => four, Throws.InstanceOf<TimeoutException>().With.Message.Contains("4 values (3 arrived)"));
    }

    [Test]
    public async Task The_waiting_code_resumes_off_the_thread_that_produced_the_value()
    {
        using var source = new Subject<int>();
        using var go = new ManualResetEventSlim();
        var producer = new Thread(() =>
        {
            go.Wait(StreamWaits.DefaultTimeout);
            source.OnNext(1);
        }) { Name = "producer" };
        producer.Start();

        // Already awaiting when the value comes (the common case: a test waits, then a client's reader delivers).
        var resumedOn = ResumedOnAsync(source.WhenAsync(_ => true));
        go.Set();

        Assert.That(await resumedOn, Is.Not.EqualTo("producer"));
    }

    private static async Task<string?> ResumedOnAsync(Task<int> wait)
    {
        await wait;
        return Thread.CurrentThread.Name;
    }
}

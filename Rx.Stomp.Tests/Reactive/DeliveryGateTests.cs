using Rx.Stomp.Reactive;

namespace Rx.Stomp.Tests.Reactive;

public sealed class DeliveryGateTests
{
    [Test]
    public void A_free_gate_delivers_at_once()
    {
        var gate = new DeliveryGate();
        var log = new List<string>();

        gate.Run("run", log.Add);
        gate.Post(() => log.Add("post"));

        Assert.That(log, Is.EqualTo(new[] { "run", "post" }));
    }

    [Test]
    public void Knows_whether_this_thread_is_delivering()
    {
        var gate = new DeliveryGate();
        bool inside = false, onOtherThread = true, insidePost = false;
        gate.Post(() => insidePost = gate.IsDeliveringOnThisThread);

        gate.Run(gate, g =>
        {
            inside = g.IsDeliveringOnThisThread;
            onOtherThread = Task.Run(() => g.IsDeliveringOnThisThread).GetAwaiter().GetResult();
        });

        Assert.That((gate.IsDeliveringOnThisThread, insidePost, inside, onOtherThread), Is.EqualTo((false, true, true, false)));
    }

    [Test]
    public void A_post_from_inside_a_delivery_runs_right_after_it()
    {
        var gate = new DeliveryGate();
        var log = new List<string>();

        gate.Run(log, l =>
        {
            gate.Post(() => l.Add("posted"));
            l.Add("delivery ends");
        });
        log.Add("run returned");

        Assert.That(log, Is.EqualTo(new[] { "delivery ends", "posted", "run returned" }));
    }

    [Test]
    public void A_post_waits_for_the_outer_delivery_even_when_a_nested_run_ends_first()
    {
        var gate = new DeliveryGate();
        var log = new List<string>();

        gate.Run(log, l =>
        {
            gate.Post(() => l.Add("posted"));
            gate.Run(l, inner => inner.Add("nested"));
            l.Add("outer ends");
        });

        Assert.That(log, Is.EqualTo(new[] { "nested", "outer ends", "posted" }));
    }

    [Test]
    public void A_post_from_another_thread_during_a_delivery_neither_waits_nor_overlaps_it()
    {
        var gate = new DeliveryGate();
        var log = new List<string>();
        var deliveringThread = 0;
        var postedOn = 0;

        gate.Run(log, l =>
        {
            deliveringThread = Environment.CurrentManagedThreadId;
            Task.Run(() => gate.Post(() =>
            {
                postedOn = Environment.CurrentManagedThreadId;
                lock (l)
                {
                    l.Add("posted");
                }
            })).GetAwaiter().GetResult();
            lock (l)
            {
                l.Add("delivery ends");
            }
        });

        Assert.That(log, Is.EqualTo(new[] { "delivery ends", "posted" }));
        Assert.That(postedOn, Is.EqualTo(deliveringThread), "the delivering thread runs what was posted meanwhile");
    }

    [Test]
    public void Posts_run_in_order()
    {
        var gate = new DeliveryGate();
        var log = new List<int>();

        gate.Run(log, l =>
        {
            gate.Post(() => l.Add(1));
            gate.Post(() => { l.Add(2); gate.Post(() => l.Add(4)); });
            gate.Post(() => l.Add(3));
        });

        Assert.That(log, Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }
}

using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The bookkeeping of one connection's receipts, as the session drives it: ids, the duplicate check, and the probing
/// that settles a receipt-less ERROR (when it starts, what each probe covers, when it ends). No connection and no clock:
/// the tracker is called the way the session calls it, and every answer is already decided when a test reads it.
/// </summary>
public class ReceiptTrackerTests
{
    private static StompErrorException Error(string message) => new(new Frame(StompCommand.Error, StompHeaders.Create(("message", message))));

    /// <summary>A receipt asked for with a frame that has gone out, as the session registers and then writes it.</summary>
    private static ReceiptTracker.ReceiptWait Written(ReceiptTracker tracker)
    {
        var wait = tracker.Register(limit: 100);
        wait.MarkWritten(afterError: false);
        return wait;
    }

    /// <summary>The probe's RECEIPT came: as the session does, the probe's own wait is forgotten, then the probe settles what it covers.</summary>
    private static void Answer(ReceiptTracker tracker, ReceiptTracker.Probe probe)
    {
        tracker.Forget(probe.Wait.Id);
        tracker.Settle(probe);
    }

    [Test]
    public void The_ids_it_chooses_are_named_as_receipts()
    {
        var tracker = new ReceiptTracker(new IdGenerator());

        Assert.That(new[] { tracker.Register(limit: 10).Id, tracker.Register(limit: 10).Id }, Is.EqualTo(new[] { "rcpt-1", "rcpt-2" }));
    }

    [Test]
    public void A_receipt_id_already_awaited_is_refused_and_named()
    {
        var tracker = new ReceiptTracker(new IdGenerator());
        tracker.Register(limit: 10, "bye");

        var error = Assert.Throws<InvalidOperationException>(() => tracker.Register(limit: 10, "bye"));
        Assert.That(error!.Message, Does.Contain("receipt-id 'bye' is already awaited"));
    }

    [Test]
    public void An_ERROR_when_no_receipt_is_awaited_starts_no_probe()
    {
        var tracker = new ReceiptTracker(new IdGenerator());

        Assert.That(tracker.Doubt(Error("about nothing")), Is.False);
    }

    [Test]
    public void A_second_receipt_less_ERROR_while_a_probe_is_out_starts_no_second_probe()
    {
        var tracker = new ReceiptTracker(new IdGenerator());
        Written(tracker);

        Assert.That(tracker.Doubt(Error("first")), Is.True);
        tracker.NextProbe();
        Assert.That(tracker.Doubt(Error("second")), Is.False, "the probe that is out settles it too");
    }

    [Test]
    public void A_refused_frame_fails_with_the_first_ERROR_that_came_while_it_was_unanswered()
    {
        var tracker = new ReceiptTracker(new IdGenerator());
        var refused = Written(tracker);
        tracker.Doubt(Error("first"));
        var probe = tracker.NextProbe()!;
        tracker.Doubt(Error("second"));

        Answer(tracker, probe);

        // Brokers refuse in order: the first ERROR is about the oldest frame still unanswered.
        var error = Assert.ThrowsAsync<StompErrorException>(() => refused.Answer);
        Assert.That(error!.BrokerMessage, Is.EqualTo("first"));
    }

    [Test]
    public void Every_written_frame_in_doubt_and_unanswered_at_the_probes_RECEIPT_is_refused_by_that_probe()
    {
        var tracker = new ReceiptTracker(new IdGenerator());
        var one = Written(tracker);
        var two = Written(tracker);
        tracker.Doubt(Error("refused"));
        var probe = tracker.NextProbe()!;

        Answer(tracker, probe);

        Assert.That(probe.Covered, Is.EquivalentTo(new[] { one, two }));
        Assert.That(new[] { one.Answer.IsFaulted, two.Answer.IsFaulted }, Is.EqualTo(new[] { true, true }));
        Assert.That(tracker.NextProbe(), Is.Null, "nothing is left in doubt");
    }

    [Test]
    public void Probing_ends_once_no_frame_is_in_doubt_and_a_later_ERROR_starts_it_again()
    {
        var tracker = new ReceiptTracker(new IdGenerator());
        var answered = Written(tracker);
        tracker.Doubt(Error("about nothing"));
        var probe = tracker.NextProbe()!;
        tracker.Complete(answered.Id, new Frame(StompCommand.Receipt, StompHeaders.Create(("receipt-id", answered.Id))));
        Answer(tracker, probe);

        Assert.That(tracker.NextProbe(), Is.Null, "every frame in doubt got its own RECEIPT");
        Written(tracker);
        Assert.That(tracker.Doubt(Error("later")), Is.True);
    }

    [Test]
    public void After_an_unanswered_probe_stops_probing_a_later_ERROR_starts_it_again()
    {
        var tracker = new ReceiptTracker(new IdGenerator());
        Written(tracker);
        tracker.Doubt(Error("first"));
        var probe = tracker.NextProbe()!;
        tracker.Forget(probe.Wait.Id);

        tracker.StopProbing();

        Assert.That(tracker.Doubt(Error("later")), Is.True);
    }

    [Test]
    public void A_frame_in_doubt_not_yet_written_is_covered_by_no_probe_until_it_is()
    {
        var tracker = new ReceiptTracker(new IdGenerator());
        var late = tracker.Register(limit: 100);
        tracker.Doubt(Error("refused, or not"));
        var first = tracker.NextProbe()!;
        late.MarkWritten(afterError: true);

        Answer(tracker, first);

        Assert.That(first.Covered, Is.Empty);
        Assert.That(late.Answer.IsCompleted, Is.False, "the broker may answer it after the first probe's RECEIPT");
        Assert.That(tracker.NextProbe()!.Covered, Is.EqualTo(new[] { late }));
    }
}

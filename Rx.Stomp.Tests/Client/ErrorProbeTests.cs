using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Testing;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The probe that settles a receipt-less ERROR, on one session over an in-memory connection: a frame written before
/// the probe and still unanswered at the probe's RECEIPT is the one refused; every other one keeps its own answer.
/// The clock is virtual and nobody advances it unless a test says so: no wait here ends by a timeout unless asked.
/// </summary>
public class ErrorProbeTests
{
    private static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(30);

    private sealed class Fixture : IAsyncDisposable
    {
        private readonly InMemoryTransport _transport = new();

        public TestScheduler Clock { get; } = new();

        public Session Session { get; private set; } = null!;

        public ScriptedConnection Broker { get; private set; } = null!;

        public static async Task<Fixture> OpenAsync()
        {
            var fixture = new Fixture();
            var options = new StompClientOptions { Scheduler = fixture.Clock, ReceiptTimeout = ReceiptTimeout };
            var endpoint = new StompEndpoint("in-memory");
            var stream = await fixture._transport.ConnectAsync(endpoint, CancellationToken.None);
            var log = NullLogger.Instance;
            var errors = new ErrorStream(log);
            fixture.Session = new Session(
                new StompConnection(stream, endpoint, [StompVersion.V12], FrameLimits.Default, TimeSpan.FromSeconds(1)),
                options, new OutgoingFrames(log, errors, beforeSend: null, new ListenerHooks()), errors, new IdGenerator(), log);
            var opening = fixture.Session.OpenAsync(CancellationToken.None);
            fixture.Broker = await fixture._transport.AcceptAndConnectAsync();
            await opening.WaitAsync(StreamWaits.DefaultTimeout);
            return fixture;
        }

        /// <summary>A receipted SEND written; the result is its answer, and the frame as the broker read it.</summary>
        public async Task<(Task<Frame> Answer, Frame Written)> SendAsync(string destination)
        {
            var receipt = Session.ExpectReceipt(StompCommand.Send, ReceiptTimeout, CancellationToken.None);
            await Session.WriteAsync(new Frame(StompCommand.Send, StompHeaders.Create(("destination", destination))), receipt, contentLength: true, CancellationToken.None);
            return (receipt.Answer, await Broker.ExpectAsync(StompCommand.Send));
        }

        public Task ErrorAsync(string message) => Broker.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", message))));

        /// <summary>Reads the probe (BEGIN, then ABORT with a receipt) and returns its ABORT.</summary>
        public async Task<Frame> ExpectProbeAsync()
        {
            var begin = await Broker.ExpectAsync(StompCommand.Begin);
            var abort = await Broker.ExpectAsync(StompCommand.Abort);
            Assert.That(abort.Headers["transaction"], Is.EqualTo(begin.Headers["transaction"]), "the probe is one empty transaction");
            Assert.That(abort.Headers["receipt"], Is.Not.Null);
            return abort;
        }

        public async ValueTask DisposeAsync()
        {
            await Session.DisposeAsync();
            await _transport.DisposeAsync();
        }
    }

    [Test]
    public async Task The_frame_still_unanswered_at_the_probes_RECEIPT_is_the_one_the_ERROR_refused()
    {
        await using var fixture = await Fixture.OpenAsync();
        var (refused, _) = await fixture.SendAsync("/foo/bar");
        var (taken, written) = await fixture.SendAsync("/queue/a");

        await fixture.ErrorAsync("Unknown destination");
        var probe = await fixture.ExpectProbeAsync();
        await fixture.Broker.SendReceiptAsync(written);
        Assert.That(refused.IsCompleted, Is.False, "nothing is judged before the probe's RECEIPT");
        await fixture.Broker.SendReceiptAsync(probe);

        var error = Assert.ThrowsAsync<StompErrorException>(() => refused.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.BrokerMessage, Is.EqualTo("Unknown destination"));
        Assert.That((await taken.WaitAsync(StreamWaits.DefaultTimeout)).Headers["receipt-id"], Is.EqualTo(written.Headers["receipt"]));
    }

    [Test]
    public async Task An_ERROR_about_no_frame_fails_nothing_when_every_frame_is_answered_before_the_probe()
    {
        await using var fixture = await Fixture.OpenAsync();
        var (first, one) = await fixture.SendAsync("/queue/a");
        var (second, two) = await fixture.SendAsync("/queue/b");

        await fixture.ErrorAsync("There is no current subscription with tag 'T_sub-1'");
        var probe = await fixture.ExpectProbeAsync();
        await fixture.Broker.SendReceiptAsync(one);
        await fixture.Broker.SendReceiptAsync(two);
        await fixture.Broker.SendReceiptAsync(probe);

        await first.WaitAsync(StreamWaits.DefaultTimeout);
        await second.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task A_frame_in_doubt_not_yet_written_when_the_probe_left_is_judged_by_the_next_probe()
    {
        await using var fixture = await Fixture.OpenAsync();
        var (before, _) = await fixture.SendAsync("/foo/bar");
        // Registered before the ERROR, so in doubt, but written only after the probe: the broker may answer it after
        // the probe's RECEIPT, so that probe cannot judge it.
        var late = fixture.Session.ExpectReceipt(StompCommand.Send, ReceiptTimeout, CancellationToken.None);
        await fixture.ErrorAsync("Unknown destination");
        var probe = await fixture.ExpectProbeAsync();
        await fixture.Session.WriteAsync(new Frame(StompCommand.Send, StompHeaders.Create(("destination", "/queue/late"))), late, contentLength: true, CancellationToken.None);
        var lateWritten = await fixture.Broker.ExpectAsync(StompCommand.Send);

        await fixture.Broker.SendReceiptAsync(probe);
        Assert.ThrowsAsync<StompErrorException>(() => before.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(late.Answer.IsCompleted, Is.False, "not judged by a probe that may have overtaken it");

        var next = await fixture.ExpectProbeAsync();
        await fixture.Broker.SendReceiptAsync(lateWritten);
        await fixture.Broker.SendReceiptAsync(next);
        await late.Answer.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task Frames_in_doubt_when_the_connection_ends_are_lost_not_refused()
    {
        await using var fixture = await Fixture.OpenAsync();
        var (inDoubt, _) = await fixture.SendAsync("/queue/a");
        await fixture.ErrorAsync("AMQP channel died");
        await fixture.ExpectProbeAsync();

        fixture.Broker.Close();

        var lost = Assert.ThrowsAsync<StompConnectionException>(() => inDoubt.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(lost!.Message, Does.Contain("lost before the RECEIPT"));
    }

    [Test]
    public async Task A_frame_written_after_the_brokers_final_ERROR_was_never_taken_and_may_go_out_again()
    {
        await using var fixture = await Fixture.OpenAsync();
        var (before, _) = await fixture.SendAsync("/queue/a");
        var error = fixture.Session.Frames.FirstAsync(f => f.Command == StompCommand.Error).ToTask();
        await fixture.ErrorAsync("Shutting down");
        await error.WaitAsync(StreamWaits.DefaultTimeout);
        await fixture.ExpectProbeAsync();
        var (after, _) = await fixture.SendAsync("/queue/b");

        // The broker closes right after its ERROR, as the specification says.
        fixture.Broker.Close();

        var lost = Assert.ThrowsAsync<StompConnectionException>(() => before.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(lost, Is.Not.InstanceOf<ConnectionEndedException>(), "written before the ERROR: the broker may have taken it");
        Assert.ThrowsAsync<ConnectionEndedException>(() => after.WaitAsync(StreamWaits.DefaultTimeout));
    }

    [Test]
    public async Task An_unanswered_probe_stops_probing_and_each_frame_in_doubt_times_out_on_its_own_deadline()
    {
        await using var fixture = await Fixture.OpenAsync();
        var (inDoubt, _) = await fixture.SendAsync("/queue/a");
        await fixture.ErrorAsync("refused, or not");
        await fixture.ExpectProbeAsync();

        fixture.Clock.AdvanceBy(ReceiptTimeout.Ticks - 1);
        Assert.That(inDoubt.IsCompleted, Is.False, "not before its deadline");
        fixture.Clock.AdvanceBy(1);

        Assert.ThrowsAsync<StompTimeoutException>(() => inDoubt.WaitAsync(StreamWaits.DefaultTimeout));
        var (next, written) = await fixture.SendAsync("/queue/b");
        await fixture.Broker.SendReceiptAsync(written);
        await next.WaitAsync(StreamWaits.DefaultTimeout);
    }
}

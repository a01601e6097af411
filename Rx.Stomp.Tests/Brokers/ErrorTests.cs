using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// What the brokers refuse, and how the client surfaces it: an exception where someone waits, the Errors stream,
/// and the rest of the connection untouched when the broker keeps it.
/// </summary>
/// <remarks>
/// The brokers differ. RabbitMQ refuses destinations outside its schemes (<c>/foo/bar</c>) with an ERROR that
/// names no <c>receipt-id</c>, and keeps the connection. ActiveMQ accepts any destination name (<c>/foo/bar</c>
/// becomes a queue of that name; an empty queue name such as <c>/queue/</c> makes it drop the connection without
/// an ERROR), so its refusals here are a SEND in an unknown transaction and a SUBSCRIBE with an invalid selector:
/// ERROR frames with <c>receipt-id</c>, after which it keeps the connection too. The embedded broker refuses
/// destinations outside <c>/queue/</c> and <c>/topic/</c> with an ERROR naming the receipt, then closes the
/// connection as the specification says; the client reconnects and goes on.
/// </remarks>
[TestFixtureSource(typeof(BrokerCases), nameof(BrokerCases.Brokers))]
public sealed class ErrorTests(Broker broker) : BrokerTest(broker)
{
    [Test]
    public async Task A_bad_login_fails_ConnectAsync_with_the_brokers_message_and_State_Faulted()
    {
        var client = NewClient(o => o with { Passcode = "not-the-passcode" });
        var states = Record(client.State);

        var error = Assert.ThrowsAsync<StompErrorException>(() => client.ConnectAsync().WaitAsync(Timeout));

        var expected = Broker.Kind == BrokerKind.ActiveMq ? "User name [guest] or password is invalid" : "Access refused for user 'guest'";
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain(expected));
            Assert.That(error.Frame?.Command, Is.EqualTo(StompCommand.Error));
            Assert.That(error.BrokerMessage, Is.Not.Null.And.Not.Empty);
            Assert.That(client.IsConnected, Is.False);
            Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
            Assert.That(client.CurrentState.Error, Is.SameAs(error));
            Assert.That(states.Items.Select(s => s.Kind), Is.EqualTo(new[] { ConnectionStateKind.Disconnected, ConnectionStateKind.Connecting, ConnectionStateKind.Faulted }));
        });
        Assert.ThrowsAsync<StompConnectionException>(() => client.SendAsync(NewQueue("bad-login"), "never"));
    }

    [Test]
    public async Task An_unknown_virtual_host_is_refused_by_RabbitMQ_and_ignored_by_ActiveMQ()
    {
        var client = NewClient(o => o with { VirtualHost = "nope" });

        if (!Broker.IsRabbitMq)
        {
            // ActiveMQ and the embedded broker ignore the host header.
            await Within(client.ConnectAsync(), "CONNECTED");
            Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
            return;
        }

        var error = Assert.ThrowsAsync<StompErrorException>(() => client.ConnectAsync().WaitAsync(Timeout));
        Assert.That(error!.Message, Does.Contain("Virtual host 'nope' access denied"));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
    }

    [Test]
    public async Task A_refused_SEND_with_a_receipt_throws_StompErrorException_and_the_client_goes_on()
    {
        var client = await ConnectAsync();
        var errors = Record(client.Errors);
        var queue = NewQueue("after-refused-send");

        StompErrorException? error;
        if (Broker.Kind != BrokerKind.ActiveMq)
        {
            error = Assert.ThrowsAsync<StompErrorException>(() => client.SendAsync("/foo/bar", "nowhere", WithReceipt).WaitAsync(Timeout));
            Assert.That(error!.Message, Does.Contain("Unknown destination").And.Contain("/foo/bar"));
        }
        else
        {
            // ActiveMQ takes any destination, even this one...
            await Within(client.SendAsync("/foo/bar", "anywhere", WithReceipt), "the RECEIPT of SEND to /foo/bar");
            // ...but not a SEND in a transaction it does not know.
            var options = new SendOptions { Receipt = true, Headers = StompHeaders.Create((StompHeaderNames.Transaction, "no-such-transaction")) };
            error = Assert.ThrowsAsync<StompErrorException>(() => client.SendAsync(queue, "refused", options).WaitAsync(Timeout));
            Assert.That(error!.Message, Does.Contain("Invalid transaction id"));
        }

        var reported = await errors.TakeAsync(1, Timeout);
        Assert.That(reported[0].Kind, Is.EqualTo(StompErrorKind.ErrorFrame));
        Assert.That(reported[0].Frame, Is.SameAs(error.Frame));

        // Where the broker closed the connection after its ERROR, the watch and the send wait for the reconnection.
        var messages = Record(client.Watch(queue));
        await Within(client.SendAsync(queue, "still here", WithReceipt), "the RECEIPT of the next SEND");
        Assert.That(Bodies(await messages.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "still here" }));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
    }

    [Test]
    public async Task A_refused_SUBSCRIBE_ends_that_watch_with_OnError_and_leaves_the_others_alone()
    {
        var client = await ConnectAsync();
        var queue = NewQueue("other-watch");
        var refused = Broker.Kind != BrokerKind.ActiveMq
            ? Record(client.Watch("/foo/bar"))
            : Record(client.Watch(NewQueue("bad-selector"), new SubscribeOptions { Headers = StompHeaders.Create(("selector", "((( not a selector")) }));
        // Written right after the refused one, so still awaiting its RECEIPT when RabbitMQ's receipt-less ERROR comes.
        var other = Record(client.Watch(queue));

        var error = await refused.ErrorAsync(Timeout);

        Assert.That(error, Is.TypeOf<StompErrorException>());
        Assert.That(error.Message, Does.Contain(Broker.Kind != BrokerKind.ActiveMq ? "Unknown destination" : "not a selector"));
        await Within(client.SendAsync(queue, "for the other watch", WithReceipt), "the RECEIPT of SEND");
        Assert.That(Bodies(await other.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "for the other watch" }));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
    }

    [Test]
    public async Task An_exception_in_a_watchs_observer_is_reported_on_Errors_and_delivery_goes_on()
    {
        var client = await ConnectAsync();
        var errors = Record(client.Errors);
        var throwing = NewQueue("throwing");
        var quiet = NewQueue("quiet");
        var calls = 0;
        var secondCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = client.Watch(throwing).Subscribe(_ =>
        {
            if (Interlocked.Increment(ref calls) == 2)
            {
                secondCall.TrySetResult();
            }

            throw new InvalidOperationException("observer boom");
        });
        var others = Record(client.Watch(quiet));

        await client.SendAsync(throwing, "first");
        var reported = await errors.TakeAsync(1, Timeout);
        Assert.That(reported[0].Kind, Is.EqualTo(StompErrorKind.Observer));
        Assert.That(reported[0].Exception, Is.TypeOf<InvalidOperationException>().With.Message.EqualTo("observer boom"));

        await client.SendAsync(quiet, "next");
        await client.SendAsync(throwing, "second");
        Assert.That(Bodies(await others.TakeAsync(1, Timeout)), Is.EqualTo(new[] { "next" }));
        await Within(secondCall.Task, "the second message to the throwing observer");

        await Within(client.SendAsync(quiet, "still connected", WithReceipt), "the RECEIPT of SEND");
        Assert.That(Bodies(await others.TakeAsync(2, Timeout)), Is.EqualTo(new[] { "next", "still connected" }));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
        Assert.That((await errors.TakeAsync(2, Timeout)).Select(e => e.Kind), Is.All.EqualTo(StompErrorKind.Observer));
    }
}

using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// <see cref="SubscribeOptions.Prefetch"/>, <see cref="SubscribeOptions.Durable"/>, <see cref="StompClientOptions.ClientId"/>
/// and <see cref="StompClient.RemoveDurableSubscriptionAsync"/> on the wire: spelled as the broker named by CONNECTED's
/// <c>server</c> header spells them, worked out again on each connection, the caller's own headers winning. Frames are
/// read by a raw peer that answers CONNECTED as each broker does.
/// </summary>
public class TypedSubscribeOptionsTests
{
    private const string RabbitMq = "RabbitMQ/3.10.8";
    private const string ActiveMq = "ActiveMQ/6.1.0";
    private const string Artemis = "ActiveMQ-Artemis/2.31.2 ActiveMQ Artemis Messaging Engine";
    private const string Embedded = "Rx.Stomp.Broker/1.0.0";

    private static readonly SubscribeOptions PrefetchAndDurable = new() { Prefetch = 5, Durable = new("orders-audit") };

    [TestCase(RabbitMq, "prefetch-count:5 durable:true auto-delete:false")]
    [TestCase(Embedded, "prefetch-count:5 durable:true auto-delete:false")]
    [TestCase(ActiveMq, "activemq.prefetchSize:5 activemq.subscriptionName:orders-audit")]
    [TestCase(Artemis, "durable-subscription-name:orders-audit")]
    [TestCase("Apollo/1.7.1", "prefetch-count:5 durable:true auto-delete:false")]
    [TestCase(null, "prefetch-count:5 durable:true auto-delete:false")]
    public void Prefetch_and_durable_are_spelled_as_the_server_spells_them(string? server, string expected)
    {
        var headers = SubscriptionHeaders.ForSubscribe(server, "orders-audit", PrefetchAndDurable, "app-1", StompHeaders.Empty, NullLogger.Instance);

        Assert.That(Shape(headers), Is.EqualTo(expected));
    }

    [Test]
    public void On_Artemis_whose_window_counts_bytes_only_a_prefetch_of_one_has_an_equivalent()
    {
        using var log = new CapturingLoggerFactory();
        var one = SubscriptionHeaders.ForSubscribe(Artemis, "s", new SubscribeOptions { Prefetch = 1 }, null, StompHeaders.Empty, log.CreateLogger("test"));
        Assert.That(log.Text, Is.Empty);
        var many = SubscriptionHeaders.ForSubscribe(Artemis, "s", new SubscribeOptions { Prefetch = 10 }, null, StompHeaders.Empty, log.CreateLogger("test"));

        Assert.That((Shape(one), Shape(many)), Is.EqualTo(("consumer-window-size:0", "")));
        Assert.That(log.Text, Does.StartWith($"Warning Prefetch 10 of subscription s is not sent to {Artemis}: Artemis counts its window"), "the prefetch not sent is told");
    }

    [Test]
    public async Task A_header_the_caller_set_wins_over_the_one_the_typed_option_would_send()
    {
        var (peer, client, cleanup) = await ConnectedAsync(RabbitMq);
        await using var _ = cleanup;

        using var watch = client.Watch("/topic/t", PrefetchAndDurable with
        {
            Receipt = false,
            Headers = [new("prefetch-count", "50")],
            HeadersFactory = () => [new("auto-delete", "true")],
        }).Subscribe();

        Assert.That(Shape((await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout)).Headers),
            Is.EqualTo("destination:/topic/t id:orders-audit ack:auto prefetch-count:50 auto-delete:true durable:true"));
    }

    [Test]
    public async Task The_spelling_is_worked_out_again_on_each_connection_of_a_failover()
    {
        var (peer, client, cleanup) = await ConnectedAsync(RabbitMq, o => o with { Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(10) } });
        await using var _ = cleanup;
        using var watch = client.Watch("/queue/work", new SubscribeOptions { Ack = AckMode.ClientIndividual, Prefetch = 20, Receipt = false }).Subscribe();
        var onRabbitMq = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        // The next broker of the list is another kind: the same port answers as ActiveMQ this time.
        peer.CloseClientConnection();
        await AnswerAsAsync(peer, ActiveMq);
        var onActiveMq = await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(onRabbitMq.Headers["prefetch-count"], Is.EqualTo("20"));
        Assert.That((onActiveMq.Headers["activemq.prefetchSize"], onActiveMq.Headers["prefetch-count"]), Is.EqualTo(("20", (string?)null)));
    }

    [Test]
    public async Task CONNECT_carries_the_client_id_and_one_in_ConnectHeaders_wins()
    {
        var typed = Handshake.BuildConnectFrame(new StompClientOptions { ClientId = "app-1" });
        var both = Handshake.BuildConnectFrame(new StompClientOptions { ClientId = "app-1", ConnectHeaders = [new("client-id", "raw")] });

        Assert.That(typed.Headers.GetAll("client-id"), Is.EqualTo(new[] { "app-1" }));
        Assert.That(both.Headers.GetAll("client-id"), Is.EqualTo(new[] { "raw" }));
        var (peer, client, cleanup) = await ConnectedAsync(ActiveMq, o => o with { ClientId = "app-1" });
        await using var _ = cleanup;
        Assert.That(client.Options.ClientId, Is.EqualTo("app-1"));
    }

    [Test]
    public async Task A_durable_watch_on_ActiveMQ_without_a_client_id_fails_with_what_to_set()
    {
        var (_, client, cleanup) = await ConnectedAsync(ActiveMq);
        await using var _ = cleanup;

        var ended = await client.Watch("/topic/t", new SubscribeOptions { Durable = new("audit") }).Materialize().WhenAsync(n => n.Kind == NotificationKind.OnError);

        Assert.That(ended.Exception, Is.TypeOf<InvalidOperationException>().With.Message.Contains("StompClientOptions.ClientId"));
    }

    [Test]
    public void Options_that_cannot_work_are_refused_when_the_watch_is_made()
    {
        using var client = new StompClient(new StompClientOptions());

        Assert.Throws<ArgumentOutOfRangeException>(() => client.Watch("/queue/q", new SubscribeOptions { Prefetch = 0 }));
        Assert.Throws<ArgumentException>(() => client.Watch("/topic/t", new SubscribeOptions { Durable = new("a"), Id = "b" }));
        Assert.Throws<ArgumentException>(() => client.SharedWatch("/topic/t", new SubscribeOptions { Durable = new(" ") }));
        Assert.DoesNotThrow(() => client.Watch("/topic/t", new SubscribeOptions { Durable = new("a"), Id = "a" }));
    }

    [Test]
    public async Task Disposing_a_durable_watch_only_detaches_its_UNSUBSCRIBE_names_no_removal()
    {
        var (peer, client, cleanup) = await ConnectedAsync(RabbitMq);
        await using var _ = cleanup;
        var watch = client.Watch("/topic/t", new SubscribeOptions { Durable = new("keep-me"), Receipt = false }).Subscribe();
        await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout);

        watch.Dispose();

        Assert.That(Shape((await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout)).Headers), Is.EqualTo("id:keep-me"));
    }

    [TestCase(RabbitMq, "SUBSCRIBE destination:/topic/t id:audit ack:client prefetch-count:1 durable:true auto-delete:false|UNSUBSCRIBE id:audit durable:true persistent:true")]
    [TestCase(ActiveMq, "UNSUBSCRIBE id:audit activemq.subscriptionName:audit")]
    [TestCase(Artemis, "UNSUBSCRIBE id:audit durable-subscription-name:audit")]
    [TestCase(Embedded, "UNSUBSCRIBE id:audit durable:true")]
    public async Task RemoveDurableSubscriptionAsync_removes_it_as_the_server_wants_and_ends_a_live_watch_first(string server, string expected)
    {
        var (peer, client, cleanup) = await ConnectedAsync(server, o => o with { ClientId = "app-1" });
        await using var _ = cleanup;
        var ended = client.Watch("/topic/t", new SubscribeOptions { Durable = new("audit") }).Materialize().WhenAsync(n => n.Kind != NotificationKind.OnNext);
        await peer.SendReceiptAsync(await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout));

        var removing = client.RemoveDurableSubscriptionAsync("/topic/t", "audit");
        var detach = await peer.ExpectAsync(StompCommand.Unsubscribe).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendReceiptAsync(detach);
        var removal = new List<string>();
        for (var i = 0; i < expected.Split('|').Length; i++)
        {
            var frame = await peer.ReadFrameAsync().WaitAsync(StreamWaits.DefaultTimeout);
            removal.Add($"{frame!.Command.ToWire()} {Shape(frame.Headers.Remove("receipt"))}");
            await peer.SendReceiptAsync(frame);
        }

        await removing.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(Shape(detach.Headers.Remove("receipt")), Is.EqualTo("id:audit"), "first a plain UNSUBSCRIBE, which ends the watch and keeps the subscription");
        Assert.That((await ended).Kind, Is.EqualTo(NotificationKind.OnCompleted));
        Assert.That(string.Join('|', removal), Is.EqualTo(expected));
    }

    [TestCase(RabbitMq)]
    [TestCase("Apollo/1.7.1")]
    [TestCase(null)]
    public void A_broker_not_recognised_has_a_durable_subscription_attached_then_removed_as_RabbitMQ_does(string? server)
    {
        var (attach, remove) = SubscriptionHeaders.ForRemoval(server, "audit");

        Assert.That((attach is null ? null : Shape(attach), Shape(remove)),
            Is.EqualTo(("ack:client prefetch-count:1 durable:true auto-delete:false", "durable:true persistent:true")));
    }

    [TestCase("app-1", null)]
    [TestCase(null, "raw")]
    public async Task A_durable_watch_on_ActiveMQ_is_kept_under_the_client_id_however_it_was_given(string? clientId, string? connectHeader)
    {
        var (peer, client, cleanup) = await ConnectedAsync(ActiveMq,
            o => o with { ClientId = clientId, ConnectHeaders = connectHeader is null ? StompHeaders.Empty : [new("client-id", connectHeader)] });
        await using var _ = cleanup;

        using var watch = client.Watch("/topic/t", new SubscribeOptions { Durable = new("audit"), Receipt = false }).Subscribe(_ => { }, _ => { });

        Assert.That(Shape((await peer.ExpectAsync(StompCommand.Subscribe).WaitAsync(StreamWaits.DefaultTimeout)).Headers),
            Is.EqualTo("destination:/topic/t id:audit ack:auto activemq.subscriptionName:audit"));
    }

    [Test]
    public void RemoveDurableSubscriptionAsync_needs_a_connection()
    {
        using var client = new StompClient(new StompClientOptions { Endpoints = [new("127.0.0.1", 9)] });

        Assert.ThrowsAsync<StompConnectionException>(() => client.RemoveDurableSubscriptionAsync("/topic/t", "audit"));
    }

    /// <summary>A raw peer and a client connected to it, the peer answering CONNECTED with <c>server:<paramref name="server"/></c>.</summary>
    private static async Task<(RawPeer Peer, StompClient Client, IAsyncDisposable Cleanup)> ConnectedAsync(string server, Func<StompClientOptions, StompClientOptions>? configure = null)
    {
        var peer = new RawPeer();
        var options = new StompClientOptions { Endpoints = [peer.Endpoint] };
        var client = new StompClient(configure is null ? options : configure(options));
        var cleanup = RawPeer.ClosingFirst(peer, client);
        var connecting = client.ConnectAsync();
        await AnswerAsAsync(peer, server);
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);
        return (peer, client, cleanup);
    }

    /// <summary>Accepts the client's next connection and answers its CONNECT as <paramref name="server"/>.</summary>
    private static async Task AnswerAsAsync(RawPeer peer, string server)
    {
        await peer.AcceptAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await peer.ExpectAsync(StompCommand.Connect).WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync(new Frame(StompCommand.Connected, StompHeaders.Create(("version", "1.2"), ("heart-beat", "0,0"), ("server", server))));
    }

    private static string Shape(StompHeaders headers) => string.Join(' ', headers.Select(h => $"{h.Key}:{h.Value}"));
}

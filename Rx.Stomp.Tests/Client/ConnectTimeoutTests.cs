using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// Nothing waits forever: a silent server, a missing receipt, an unanswered DISCONNECT each end at their deadline on
/// the client's clock (virtual here), and not a tick before.
/// </summary>
public class ConnectTimeoutTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Test]
    public async Task A_server_that_never_answers_CONNECT_times_out_at_the_deadline()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { ConnectTimeout = TimeSpan.FromSeconds(5) });

        var connecting = client.ConnectAsync();
        var connection = await broker.Transport.AcceptAsync();
        await connection.ExpectAsync(StompCommand.Connect);
        await broker.Clock.WhenScheduledAsync(TimeSpan.FromSeconds(5));

        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(5) - Tick);
        Assert.That(connecting.IsCompleted, Is.False, "gave up before the deadline");
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(5));

        var error = Assert.ThrowsAsync<StompTimeoutException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.Message, Does.Contain("No CONNECTED"));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
        await connection.ClientClosed.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task A_host_that_never_answers_the_connection_times_out_at_the_deadline()
    {
        await using var broker = new VirtualBroker();
        var host = new SilentHostTransport();
        host.Release();
        var client = broker.Client(o => o with { Transport = host, ConnectTimeout = TimeSpan.FromSeconds(5), Endpoints = [new("silent", 1)] });

        var connecting = client.ConnectAsync();
        await host.Attempted.WaitAsync(StreamWaits.DefaultTimeout);
        await broker.Clock.WhenScheduledAsync(TimeSpan.FromSeconds(5));
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(5) - Tick);
        Assert.That(connecting.IsCompleted, Is.False, "gave up before the deadline");
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(5));

        var error = Assert.ThrowsAsync<StompConnectionException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.Message, Is.EqualTo("Could not connect to silent:1 within 5 s."));
    }

    [Test]
    public async Task A_connect_stopped_as_its_deadline_passes_ends_as_stopped_and_tries_no_other_endpoint()
    {
        await using var broker = new VirtualBroker();
        var host = new SilentHostTransport();
        var client = broker.Client(o => o with { Transport = host, ConnectTimeout = TimeSpan.FromSeconds(5), Endpoints = [new("first", 1), new("second", 2)] });

        var connecting = client.ConnectAsync();
        await host.Attempted.WaitAsync(StreamWaits.DefaultTimeout);
        await broker.Clock.WhenScheduledAsync(TimeSpan.FromSeconds(5));
        // The deadline and the stop both come before the attempt hears of either: the stop is what counts.
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(5));
        var disconnecting = client.DisconnectAsync();
        host.Release();

        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);
        var stopped = Assert.ThrowsAsync<StompConnectionException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(stopped!.Message, Does.Contain("disconnected while connecting"));
        Assert.That(host.Attempts, Is.EqualTo(new StompEndpoint[] { new("first", 1) }), "a stopped connect tries no other endpoint");
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
    }

    [Test]
    public async Task Cancelling_a_connect_ends_the_callers_wait_while_the_client_goes_on_connecting()
    {
        await using var broker = new VirtualBroker();
        var host = new SilentHostTransport();
        var client = broker.Client(o => o with { Transport = host, ConnectTimeout = TimeSpan.FromSeconds(5) });
        using var cancel = new CancellationTokenSource();

        var connecting = client.ConnectAsync(cancel.Token);
        await host.Attempted.WaitAsync(StreamWaits.DefaultTimeout);
        await cancel.CancelAsync();

        Assert.That(async () => await connecting.WaitAsync(StreamWaits.DefaultTimeout), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connecting), "DisconnectAsync stops a connect; a cancelled wait does not");
    }

    [Test]
    public async Task DISCONNECT_without_a_receipt_closes_after_the_disconnect_timeout()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync(o => o with { DisconnectTimeout = TimeSpan.FromSeconds(3) });
        connection.AnswersDisconnect = false;

        var disconnecting = client.DisconnectAsync();
        var disconnect = await connection.ExpectAsync(StompCommand.Disconnect);
        Assert.That(disconnect.Headers["receipt"], Is.Not.Null, "DISCONNECT must ask for a receipt");
        await broker.Clock.WhenScheduledAsync(TimeSpan.FromSeconds(3));

        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(3) - Tick);
        Assert.That(disconnecting.IsCompleted, Is.False, "closed before the receipt had its time");
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(3));
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Disconnected));
        Assert.That(await connection.ReadFrameAsync(), Is.Null, "nothing may follow DISCONNECT, and the connection closes");
    }

    [Test]
    public async Task A_receipt_that_never_comes_fails_the_send_at_the_receipt_timeout()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync(o => o with { ReceiptTimeout = TimeSpan.FromSeconds(7) });

        var sending = client.SendAsync("/queue/a", "x", new SendOptions { Receipt = true });
        await connection.ExpectAsync(StompCommand.Send);
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(7) - Tick);
        Assert.That(sending.IsCompleted, Is.False, "failed before the receipt had its time");
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(7));

        var late = Assert.ThrowsAsync<StompTimeoutException>(() => sending.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(late!.Message, Does.Contain("No RECEIPT"));
        Assert.That(client.IsConnected, Is.True, "a late receipt is the send's failure, not the connection's");
    }

    [Test]
    public async Task A_refused_CONNECT_surfaces_the_brokers_message_is_final_and_never_hangs()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { ConnectRetry = VirtualBroker.Doubling with { MaxAttempts = 3 } });
        var connecting = client.ConnectAsync();
        var connection = await broker.Transport.AcceptAsync();
        await connection.ExpectAsync(StompCommand.Connect);
        await connection.SendErrorAsync("Virtual host '127.0.0.1' access denied");
        connection.Close();

        var error = Assert.ThrowsAsync<StompErrorException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(error!.BrokerMessage, Is.EqualTo("Virtual host '127.0.0.1' access denied"));
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Faulted));
        Assert.That(broker.Transport.ConnectionCount, Is.EqualTo(1), "a refused login is not retried, whatever ConnectRetry allows");
    }
}

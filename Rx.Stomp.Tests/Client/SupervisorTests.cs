using System.Reactive.Linq;
using System.Collections.Concurrent;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// What keeps the client connected, as the client shows it: which connection calls are given (or refused, and why),
/// what a connect waits for, how failures of the endpoints are told (the error stream, the log, the exception), and
/// which TLS settings each endpoint is opened with. The clients run on a virtual clock nobody advances: every wait here
/// ends by what the broker or the transport does, not by a timeout.
/// </summary>
public class SupervisorTests
{
    private static readonly StompEndpoint First = new("first.example", 61613);
    private static readonly StompEndpoint Second = new("second.example", 61613);

    /// <summary>A transport whose every attempt fails, each endpoint with its own error; it keeps the endpoints as the client handed them over.</summary>
    private sealed class FailingTransport(Func<StompEndpoint, Exception> failure) : IStompTransport
    {
        public ConcurrentQueue<StompEndpoint> Attempts { get; } = new();

        public ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
        {
            Attempts.Enqueue(endpoint);
            return ValueTask.FromException<Stream>(failure(endpoint));
        }
    }

    private static StompTlsException TlsRefused(StompEndpoint endpoint) => new(TlsFailure.UntrustedRoot, $"{endpoint.Host}: untrusted", null);

    /// <summary>What the one attempt to connect to <paramref name="endpoints"/> through <paramref name="transport"/> fails with.</summary>
    private static async Task<Exception> ConnectFailureAsync(IStompTransport transport, params StompEndpoint[] endpoints)
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Transport = transport, Endpoints = endpoints });
        return Assert.CatchAsync(() => client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout))!;
    }

    /// <summary>The error the client reports when its first attempt to connect fails in the way <paramref name="failFirst"/> (started before the connect) makes it, and it tries again.</summary>
    private static async Task<StompError> ReportedBeforeTheRetryAsync(Func<VirtualBroker, Task> failFirst)
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { ConnectRetry = VirtualBroker.Doubling with { MaxAttempts = 2 } });
        var reported = client.Errors.WhenAsync(_ => true);
        // Started first: a refusal must be in place before the first attempt, which the connect makes at once.
        var failing = failFirst(broker);
        var connecting = client.ConnectAsync();

        await failing.WaitAsync(StreamWaits.DefaultTimeout);

        var error = await reported.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(connecting.IsCompleted, Is.False, "the connect goes on with the next attempt");
        return error;
    }

    [Test]
    public async Task A_second_ConnectAsync_while_the_first_is_under_way_completes_with_that_connection_and_not_before()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client();
        var first = client.ConnectAsync();
        var connection = await broker.Transport.AcceptAsync();

        var second = client.ConnectAsync();
        Assert.That(second.IsCompleted, Is.False, "no CONNECTED yet");
        await connection.AnswerConnectAsync();

        await Task.WhenAll(first, second).WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(broker.Transport.ConnectionCount, Is.EqualTo(1), "one connection for both callers");
    }

    [Test]
    public async Task A_call_that_needs_the_connection_before_any_connect_fails_saying_the_client_is_not_connected()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client();

        var error = Assert.ThrowsAsync<StompConnectionException>(() => client.BeginTransactionAsync());
        Assert.That(error!.Message, Is.EqualTo("Not connected (Disconnected)."));
    }

    [Test]
    public async Task While_DISCONNECT_awaits_its_RECEIPT_a_call_that_needs_the_connection_fails_saying_the_client_is_disconnecting()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync();
        connection.AnswersDisconnect = false;
        var disconnecting = client.DisconnectAsync();
        await connection.ExpectAsync(StompCommand.Disconnect);

        var error = Assert.ThrowsAsync<StompConnectionException>(() => client.BeginTransactionAsync());
        Assert.That(error!.Message, Is.EqualTo("The client is disconnecting: nothing may be sent after DISCONNECT."));
        connection.Close();
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);
    }

    [Test]
    public async Task A_refused_connection_that_will_be_retried_is_reported_as_a_connection_error()
    {
        var error = await ReportedBeforeTheRetryAsync(broker =>
        {
            broker.Transport.RefuseConnections = true;
            return Task.CompletedTask;
        });

        Assert.That(error.Kind, Is.EqualTo(StompErrorKind.Connection));
        Assert.That(error.Exception.Message, Does.Contain("refused the connection"));
    }

    [Test]
    public async Task A_garbled_answer_to_CONNECT_that_will_be_retried_is_reported_as_a_protocol_error()
    {
        var error = await ReportedBeforeTheRetryAsync(async broker =>
        {
            var connection = await broker.Transport.AcceptAsync();
            await connection.ExpectAsync(StompCommand.Connect);
            await connection.SendRawAsync("HELLO\n\n\0");
        });

        Assert.That(error.Kind, Is.EqualTo(StompErrorKind.Protocol));
        Assert.That(error.Exception, Is.InstanceOf<StompProtocolException>());
    }

    [Test]
    public async Task An_endpoint_that_failed_and_a_lost_connection_are_logged_with_their_endpoint_and_reason()
    {
        await using var broker = new VirtualBroker();
        using var log = new CapturingLoggerFactory();
        var client = broker.Client(o => o with { LoggerFactory = log, Endpoints = [First], ConnectRetry = VirtualBroker.Doubling with { MaxAttempts = 2 } });
        var reconnecting = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        var connected = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Connected);
        broker.Transport.RefuseConnections = true;
        var connecting = client.ConnectAsync();
        await reconnecting.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(log.Text, Does.Contain("Could not connect to first.example:61613: first.example:61613 refused the connection"));

        broker.Transport.RefuseConnections = false;
        await broker.Clock.WhenScheduledAsync(TimeSpan.FromSeconds(1));
        broker.Clock.AdvanceTo(TimeSpan.FromSeconds(1));
        var connection = await broker.Transport.AcceptAndConnectAsync();
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);
        await connected.WaitAsync(StreamWaits.DefaultTimeout);
        var lost = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Reconnecting);
        await connection.SendErrorAsync("going down");
        connection.Close();

        await lost.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(log.Text, Does.Match("Connection to first\\.example:61613 lost: .*going down"), "the loss, with the ERROR that ended it");
    }

    [Test]
    public async Task A_broker_that_answers_DISCONNECT_with_an_ERROR_and_closes_is_not_logged_as_a_lost_connection()
    {
        await using var broker = new VirtualBroker();
        using var log = new CapturingLoggerFactory();
        var (client, connection) = await broker.ConnectAsync(o => o with { LoggerFactory = log });
        connection.AnswersDisconnect = false;
        var disconnecting = client.DisconnectAsync();
        await connection.ExpectAsync(StompCommand.Disconnect);

        // The ERROR, closed right after, is the end's reason even though this side was leaving.
        await connection.SendErrorAsync("bye");
        connection.Close();

        // DisconnectAsync returns once the reader stopped, so the end has been taken in by then.
        await disconnecting.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(log.Text, Does.Contain("bye"), "the unconfirmed DISCONNECT is logged");
        Assert.That(log.Text, Does.Not.Match("Connection to .* lost:"));
        Assert.That(broker.Transport.ConnectionCount, Is.EqualTo(1), "nor is it replaced");
    }

    [Test]
    public async Task When_every_endpoint_fails_the_connect_fails_naming_each_failure()
    {
        var error = await ConnectFailureAsync(new FailingTransport(e => new StompConnectionException($"{e.Host}: refused")), First, Second);

        Assert.That(error, Is.TypeOf<StompConnectionException>());
        Assert.That(error.Message, Is.EqualTo("Could not connect to any of 2 endpoints: first.example: refused; second.example: refused"));
        Assert.That(((AggregateException)error.InnerException!).InnerExceptions, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task When_every_endpoint_refuses_TLS_the_connect_fails_as_a_TLS_failure_with_the_first_reason()
    {
        var error = await ConnectFailureAsync(new FailingTransport(TlsRefused), First, Second);

        Assert.That(error, Is.TypeOf<StompTlsException>());
        Assert.That(((StompTlsException)error).Reason, Is.EqualTo(TlsFailure.UntrustedRoot));
        Assert.That(error.Message, Does.StartWith("Could not connect to any of 2 endpoints: first.example: untrusted"));
    }

    [Test]
    public async Task When_only_some_endpoints_refuse_TLS_the_connect_fails_as_a_connection_failure()
    {
        var error = await ConnectFailureAsync(new FailingTransport(e => e == First ? TlsRefused(e) : new StompConnectionException($"{e.Host}: refused")), First, Second);

        Assert.That(error, Is.TypeOf<StompConnectionException>());
    }

    [Test]
    public async Task A_TLS_endpoint_without_settings_of_its_own_is_opened_with_the_clients_and_every_other_endpoint_as_it_is()
    {
        var clients = new StompTlsOptions { TargetHost = "client-wide" };
        var own = new StompTlsOptions { TargetHost = "its-own" };
        var bare = First with { Kind = StompTransportKind.Tls };
        var configured = Second with { Kind = StompTransportKind.Tls, Tls = own };
        var plain = new StompEndpoint("plain.example", 61613);
        var transport = new FailingTransport(e => new StompConnectionException($"{e.Host}: refused"));
        await using var broker = new VirtualBroker();
        var client = broker.Client(o => o with { Transport = transport, Endpoints = [bare, configured, plain], Tls = clients });

        Assert.ThrowsAsync<StompConnectionException>(() => client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout));

        Assert.That(transport.Attempts.Select(e => e.Tls), Is.EqualTo(new[] { clients, own, null }));
    }

    [Test]
    public async Task A_restart_made_by_an_Errors_observer_while_a_loss_is_reported_leaves_that_restarts_connection_the_only_one()
    {
        await using var broker = new VirtualBroker();
        var (client, first) = await broker.ConnectAsync();
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A user's error handler that restarts the client and waits for it, on the reader of the lost connection: the
        // supervisor's own reconnect for that loss resumes only after it.
        using var handler = client.Errors.Where(e => e.Kind == StompErrorKind.Connection).Take(1).Subscribe(_ =>
        {
            client.DisconnectAsync().Wait();
            client.ConnectAsync().Wait();
            restarted.TrySetResult();
        });
        var answering = broker.Transport.AcceptAndConnectAsync();

        first.Abort();

        await answering.WaitAsync(StreamWaits.DefaultTimeout);
        await restarted.Task.WaitAsync(StreamWaits.DefaultTimeout);
        // A reconnect of the old run would connect at once, on the thread that returns from the handler: a second
        // passes with no attempt (nothing else can be awaited for an attempt that must not come).
        Assert.ThrowsAsync<TimeoutException>(() => broker.Transport.AcceptAsync(TimeSpan.FromSeconds(1)), "a second connection while one is current");
        Assert.That(client.CurrentState.Kind, Is.EqualTo(ConnectionStateKind.Connected));
    }
}

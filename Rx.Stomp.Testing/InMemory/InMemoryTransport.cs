using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Threading.Channels;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Testing;

/// <summary>
/// An <see cref="IStompTransport"/> without a socket, for tests: each connection the client opens is a pair of
/// in-memory pipes whose broker side the test scripts (<see cref="AcceptAsync"/> gives it as a
/// <see cref="ScriptedConnection"/>). It has no clock of its own, so a client whose
/// <c>StompClientOptions.Scheduler</c> is a <c>TestScheduler</c> sees only virtual time.
/// </summary>
/// <example>
/// <code>
/// var broker = new InMemoryTransport();
/// var client = new StompClient(new StompClientOptions { Transport = broker, Scheduler = testScheduler });
/// ScriptedConnection connection = await broker.ConnectClientAsync(client);
/// var subscribe = await connection.ExpectAsync(StompCommand.Subscribe);
/// </code>
/// </example>
public sealed class InMemoryTransport : IStompTransport, IAsyncDisposable
{
    private readonly Channel<ScriptedConnection> _accepted = Channel.CreateUnbounded<ScriptedConnection>();
    private readonly ConcurrentQueue<ScriptedConnection> _opened = new();
    private volatile bool _refuseConnections;

    /// <summary>While true, the client's connection attempts fail with a <see cref="StompConnectionException"/>, as with a broker that is down.</summary>
    public bool RefuseConnections
    {
        get => _refuseConnections;
        set => _refuseConnections = value;
    }

    /// <summary>How many connections the client has opened so far.</summary>
    public int ConnectionCount => _opened.Count;

    /// <summary>The client's side: opens a connection and queues its broker side for <see cref="AcceptAsync"/>.</summary>
    /// <exception cref="StompConnectionException"><see cref="RefuseConnections"/> is set.</exception>
    public ValueTask<Stream> ConnectAsync(StompEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        cancellationToken.ThrowIfCancellationRequested();
        if (_refuseConnections)
        {
            throw new StompConnectionException($"{endpoint} refused the connection (InMemoryTransport.RefuseConnections).");
        }

        var fromClient = new Pipe();
        // The broker side never waits for the client to read: a test that writes a flood is not held up.
        var toClient = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var reads = new ClientReads();
        var connection = new ScriptedConnection(endpoint, fromClient, toClient, reads);
        _opened.Enqueue(connection);
        _accepted.Writer.TryWrite(connection);
        return ValueTask.FromResult<Stream>(new InMemoryStream(toClient.Reader, fromClient.Writer, reads));
    }

    /// <summary>The broker side of the next connection the client opens (or has opened and was not accepted yet).</summary>
    /// <param name="timeout">How long to wait; <see cref="StreamWaits.DefaultTimeout"/> of real time when null.</param>
    /// <exception cref="TimeoutException">The client opened no connection in time.</exception>
    public async Task<ScriptedConnection> AcceptAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? StreamWaits.DefaultTimeout;
        using var expiry = new CancellationTokenSource(limit);
        try
        {
            return await _accepted.Reader.ReadAsync(expiry.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"The client opened no connection within {limit.TotalSeconds:0.###} s."));
        }
    }

    /// <summary>
    /// Accepts the next connection and answers its CONNECT with CONNECTED (<see cref="ScriptedConnection.AnswerConnectAsync"/>).
    /// </summary>
    /// <param name="heartbeat">The broker's side of heart-beat negotiation, <c>sx,sy</c> in milliseconds: "1000,0" promises a beat every second.</param>
    /// <param name="version">The version to answer with.</param>
    /// <param name="timeout">How long to wait for the connection, then for CONNECT; <see cref="StreamWaits.DefaultTimeout"/> when null.</param>
    public async Task<ScriptedConnection> AcceptAndConnectAsync(string heartbeat = "0,0", StompVersion version = StompVersion.V12, TimeSpan? timeout = null)
    {
        var connection = await AcceptAsync(timeout).ConfigureAwait(false);
        await connection.AnswerConnectAsync(heartbeat, version, timeout).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Connects <paramref name="client"/> (whose <c>Transport</c> is this one): starts its <c>ConnectAsync</c>, accepts the
    /// connection, answers CONNECTED, and returns once the client is connected and its reader is done with CONNECTED
    /// (<see cref="ScriptedConnection.ClientCaughtUpAsync"/>), so that a virtual clock moved next finds it idle.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="heartbeat">The broker's side of heart-beat negotiation, <c>sx,sy</c> in milliseconds.</param>
    /// <param name="version">The version to answer with.</param>
    /// <returns>The broker's side of the connection.</returns>
    public async Task<ScriptedConnection> ConnectClientAsync(StompClient client, string heartbeat = "0,0", StompVersion version = StompVersion.V12)
    {
        ArgumentNullException.ThrowIfNull(client);
        var connecting = client.ConnectAsync();
        var connection = await AcceptAndConnectAsync(heartbeat, version).ConfigureAwait(false);
        await connecting.WaitAsync(StreamWaits.DefaultTimeout).ConfigureAwait(false);
        await connection.ClientCaughtUpAsync().ConfigureAwait(false);
        return connection;
    }

    /// <summary>Aborts every connection still open (the client sees a reset) and refuses new ones.</summary>
    public ValueTask DisposeAsync()
    {
        _refuseConnections = true;
        _accepted.Writer.TryComplete();
        foreach (var connection in _opened)
        {
            connection.Abort();
        }

        return ValueTask.CompletedTask;
    }
}

using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Client;

/// <summary>
/// Connect, disconnect and the end of a client, one at a time: a disconnect never interleaves with a start, and a
/// dispose runs the disconnect, then ends every stream the client feeds, in an order no observer can see half done.
/// </summary>
#pragma warning disable CA1001 // The turn is never disposed: a dispose itself takes it, and it holds no OS handle.
internal sealed class Lifecycle(StompClientOptions options, ILogger log, Supervisor supervisor, Outbox outbox, StateStream state)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>
    /// Whether the caller is the current connection's reader, inside an observer: then nothing that reader would
    /// bring (a RECEIPT, its own end) can be awaited.
    /// </summary>
    private bool IsReaderThread => supervisor.Current?.IsReaderThread ?? false;

    /// <summary>Starts the supervisor (nothing if it runs) and waits for its first connection.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        Task connecting;
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connecting = supervisor.Start();
        }
        finally
        {
            _turn.Release();
        }

        // Awaited outside the turn, so that a disconnect or a dispose can stop a connect that is under way.
        await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops reconnecting, fails what waits for a connection, and sends DISCONNECT.</summary>
    public Task DisconnectAsync(DisconnectOptions disconnect, CancellationToken cancellationToken) =>
        DisconnectAsync(IsReaderThread, disconnect, cancellationToken);

    /// <summary>
    /// <paramref name="fromReader"/>: called from inside a delivery, when the RECEIPT and the reader's end cannot come
    /// while the caller holds the reader (told on the caller's thread, before any wait).
    /// </summary>
    private async Task DisconnectAsync(bool fromReader, DisconnectOptions disconnect, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            supervisor.Stop();
            outbox.FailAll(new StompConnectionException("The client was disconnected before the frame could be sent."));
            var session = supervisor.Current;
            if (session is null || session.IsDisconnecting)
            {
                state.Set(new ConnectionState(ConnectionStateKind.Disconnected));
                return;
            }

            await session.DisconnectAsync(fromReader, disconnect, cancellationToken).ConfigureAwait(false);
            state.Set(new ConnectionState(ConnectionStateKind.Disconnected, session.Endpoint));
            Log.Disconnected(log, session.Endpoint);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// The disconnect of a dispose: within <see cref="StompClientOptions.DisconnectTimeout"/> on the wall clock too (a
    /// virtual clock nobody advances cannot hold a dispose), logged and not thrown if it fails; then every frame still
    /// waiting for a connection fails as disposed.
    /// </summary>
    public async Task EndAsync()
    {
        var fromReader = IsReaderThread;
        using (var ceiling = new CancellationTokenSource(options.DisconnectTimeout))
        {
            try
            {
                await DisconnectAsync(fromReader, DisconnectOptions.Default, ceiling.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StompException or OperationCanceledException)
            {
                Log.DisposeDisconnect(log, e.Message);
            }
        }

        outbox.FailAll(new ObjectDisposedException(nameof(StompClient)));
    }
}
#pragma warning restore CA1001

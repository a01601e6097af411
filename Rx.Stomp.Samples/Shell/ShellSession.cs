using System.Globalization;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// One shell on one client: runs command lines, keeps the subscriptions, the open transaction and the messages
/// awaiting acknowledgement, prints what arrives, and remembers the first failure for the exit code.
/// </summary>
internal sealed class ShellSession : IAsyncDisposable
{
    private const int MaxRunDepth = 8;
    private readonly IReadOnlyList<string?> _secrets;
    private readonly CompositeDisposable _streams = [];
    private readonly HashSet<string> _destinations = new(StringComparer.Ordinal);
    private int _firstFailure;
    private int _runDepth;
    private bool _connected = true;

    public ShellSession(StompClient client, ShellOutput output, ReceivedFiles files, bool verbose, IReadOnlyList<string?> secrets)
    {
        Client = client;
        Output = output;
        _secrets = secrets;
        Incoming = new IncomingPrinter(output, Pending, files, verbose);
        Stats = new ShellStats(client);
        _streams.Add(client.Errors.Where(e => e.Kind == StompErrorKind.ErrorFrame && e.Frame is not null).Subscribe(e =>
        {
            RecordFailure(ExitCodes.Broker);
            Incoming.Error(e.Frame!);
        }));
        if (verbose)
        {
            _streams.Add(client.Receipts.Subscribe(r => Incoming.Receipt(r.Frame)));
        }

        _streams.Add(client.State.DistinctUntilChanged(s => s.Kind).Skip(1).Subscribe(ReportState));
    }

    public StompClient Client { get; }

    public ShellOutput Output { get; }

    public ShellSubscriptions Subscriptions { get; } = new();

    public PendingAcks Pending { get; } = new();

    public IncomingPrinter Incoming { get; }

    public ShellStats Stats { get; }

    /// <summary>The transaction that send, ack and nack go in, from <c>begin</c> to <c>commit</c> or <c>abort</c>.</summary>
    public ShellTransaction? Transaction { get; set; }

    /// <summary>Whether <c>quit</c> was given.</summary>
    public bool QuitRequested { get; private set; }

    /// <summary>The exit code of the first failure (a command, an ERROR frame, a lost connection), or 0.</summary>
    public int ExitCode => Volatile.Read(ref _firstFailure);

    /// <summary>Every destination used in this shell, for completion.</summary>
    public IReadOnlyList<string> KnownDestinations
    {
        get
        {
            lock (_destinations)
            {
                return [.. _destinations.Order(StringComparer.Ordinal)];
            }
        }
    }

    public void Remember(string destination)
    {
        lock (_destinations)
        {
            _destinations.Add(destination);
        }
    }

    public void RequestQuit() => QuitRequested = true;

    /// <summary>
    /// Runs <paramref name="frames"/>, which send frames (in the open transaction, if any) and wait for their
    /// receipts, then prints <paramref name="confirmation"/>. Inside a transaction it returns once the frames are
    /// sent: the transaction keeps the wait, and <c>commit</c> prints the confirmation (<see cref="ShellTransaction"/>);
    /// <paramref name="transactionEnded"/> then learns whether the frames took effect (committed, their receipts came)
    /// or not (aborted, refused).
    /// </summary>
    public async Task ConfirmAsync(Func<StompTransaction?, CancellationToken, Task> frames, string confirmation, CancellationToken cancellationToken, Action<bool>? transactionEnded = null)
    {
        if (Transaction is { } transaction)
        {
            transaction.Defer(frames(transaction.Inner, transaction.Abandoned), confirmation, transactionEnded);
            return;
        }

        await frames(null, cancellationToken);
        Output.Line(confirmation);
    }

    /// <summary>Runs one line: a failure is printed (prefixed with <paramref name="where"/>) and recorded, and the shell goes on.</summary>
    public async Task ExecuteAsync(string line, CancellationToken cancellationToken, string? where = null)
    {
        var text = line.Trim();
        if (text.Length == 0 || text.StartsWith('#'))
        {
            return;
        }

        var space = text.IndexOfAny([' ', '\t']);
        var name = space < 0 ? text : text[..space];
        try
        {
            var verb = ShellVerbs.Find(name) ?? throw new UsageException($"Unknown command '{name}': 'help' lists the commands.");
            await verb.RunAsync(this, verb.Bind(space < 0 ? "" : text[space..]), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && CodeOf(e) is { } code)
        {
            RecordFailure(code);
            Output.Error((where is null ? "" : where + ": ") + ErrorLine.Format(e.Message, _secrets));
        }
    }

    /// <summary>Runs the lines of a file in order (<c>run</c> and <c>-F</c>).</summary>
    public async Task RunFileAsync(string path, CancellationToken cancellationToken)
    {
        if (_runDepth >= MaxRunDepth)
        {
            throw new UsageException($"run: files nest more than {MaxRunDepth} deep; does {path} run itself?");
        }

        var lines = await ShellFiles.ReadLinesAsync(path, cancellationToken);
        _runDepth++;
        try
        {
            for (var i = 0; i < lines.Length && !QuitRequested; i++)
            {
                await ExecuteAsync(lines[i], cancellationToken, $"{Path.GetFileName(path)}:{(i + 1).ToString(CultureInfo.InvariantCulture)}");
            }
        }
        finally
        {
            _runDepth--;
        }
    }

    /// <summary>
    /// After a script: waits until no message has been printed for <paramref name="quiet"/>, so that the answers to
    /// its sends are seen, but never longer than <paramref name="limit"/> in all.
    /// </summary>
    public async Task DrainAsync(TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            await Incoming.Printed.Throttle(quiet).FirstAsync().ToTask(cancellationToken).WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException)
        {
            Output.Notice($"Messages still arriving after {limit.TotalSeconds:0.###} s; stopping.");
        }
    }

    /// <summary>A watch ended by itself (a refused SUBSCRIBE, or the client gave up): the subscription is gone.</summary>
    public void OnSubscriptionEnded(ShellSubscription subscription, Exception error)
    {
        if (Subscriptions.Remove(subscription))
        {
            Pending.Forget(subscription);
            RecordFailure(CodeOf(error) ?? ExitCodes.Broker);
            Output.Error($"The subscription to {subscription.Destination} ended: {ErrorLine.Format(error.Message, _secrets)}");
        }
    }

    private void ReportState(ConnectionState state)
    {
        switch (state.Kind)
        {
            case ConnectionStateKind.Reconnecting when _connected:
                _connected = false;
                // An ACK must go out on the connection that delivered the message: these can no longer be settled.
                var forgotten = Pending.ForgetAll();
                Output.Notice($"Connection lost ({state.Error?.Message}); reconnecting."
                    + (forgotten == 0 ? "" : $" The {forgotten} message(s) awaiting acknowledgement will be redelivered."));
                break;
            case ConnectionStateKind.Connected when !_connected:
                _connected = true;
                Output.Notice($"Reconnected: {state}; subscriptions renewed.");
                break;
            case ConnectionStateKind.Faulted:
                RecordFailure(ExitCodes.Broker);
                Output.Error($"The connection is lost for good: {state.Error?.Message}");
                break;
        }
    }

    private void RecordFailure(int code) => Interlocked.CompareExchange(ref _firstFailure, code, 0);

    /// <summary>The exit code of a failure a command may meet; null for a bug, which is not caught.</summary>
    private static int? CodeOf(Exception e) =>
        Failure.ExitCodeOf(e) ?? (e is InvalidOperationException or NotSupportedException or ArgumentException ? ExitCodes.Usage : null);

    /// <summary>Aborts an open transaction, stops counting and printing (what arrived is printed first).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Transaction is { } transaction)
        {
            Transaction = null;
            await transaction.DisposeAsync();
            Output.Notice("Aborted the open transaction.");
        }

        _streams.Dispose();
        Stats.Dispose();
        await Incoming.DisposeAsync();
    }
}

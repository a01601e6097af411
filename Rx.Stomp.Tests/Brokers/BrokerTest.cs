using System.Reactive.Linq;
using System.Reactive.Subjects;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// What every broker test needs: the broker (skipped or failed when it is down), clients and recordings that
/// are disposed after each test, unique queue names, and waits that always end.
/// </summary>
/// <remarks>
/// Nothing here sleeps: a test waits for what it expects, with <see cref="Timeout"/>. To show that something did
/// NOT arrive, a test sends a marker afterwards and waits for it, relying on a queue delivering to one consumer in
/// order.
/// </remarks>
public abstract class BrokerTest
{
    /// <summary>The longest any single wait may take.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A SEND that waits for the broker's RECEIPT.</summary>
    protected static readonly SendOptions WithReceipt = new() { Receipt = true };

    private readonly List<IAsyncDisposable> _cleanup = [];

    protected BrokerTest(Broker broker, StompVersion? version = null)
    {
        Broker = broker;
        Version = version;
    }

    /// <summary>The broker of this fixture.</summary>
    protected Broker Broker { get; }

    /// <summary>The STOMP version clients pin, or null to offer them all (the brokers pick 1.2).</summary>
    protected StompVersion? Version { get; }

    [OneTimeSetUp]
    public Task RequireBroker() => Broker.RequireAsync();

    [TearDown]
    public async Task CleanUp()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync().AsTask().WaitAsync(Timeout);
        }

        _cleanup.Clear();
    }

    /// <summary>A queue nobody else uses: <c>/queue/rxstomp-test-{what}-{guid}</c>.</summary>
    protected static string NewQueue(string what) => $"/queue/rxstomp-test-{what}-{Guid.NewGuid():N}";

    /// <summary>A client for this fixture's broker and version, disposed after the test; not connected yet.</summary>
    protected StompClient NewClient(Func<StompClientOptions, StompClientOptions>? configure = null)
    {
        var options = Broker.Options(Version);
        var client = new StompClient(configure is null ? options : configure(options));
        _cleanup.Add(client);
        // Every frame and error, timed, in the test's output: what a failure on a real broker needs to be understood.
        var output = TestContext.Out;
        var name = $"client {_cleanup.Count}";
        client.Frames.Where(f => !f.IsHeartbeat).Subscribe(f => output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {name} <- {f}"));
        client.Errors.Subscribe(e => output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {name} error {e}"));
        return client;
    }

    /// <summary>A connected client, disposed after the test.</summary>
    protected async Task<StompClient> ConnectAsync(Func<StompClientOptions, StompClientOptions>? configure = null)
    {
        var client = NewClient(configure);
        await Within(client.ConnectAsync(), "CONNECTED");
        return client;
    }

    /// <summary>Subscribes to <paramref name="source"/> now and records it until the test ends.</summary>
    protected Recorder<T> Record<T>(IObservable<T> source)
    {
        var recorder = new Recorder<T>(source);
        _cleanup.Add(recorder);
        return recorder;
    }

    /// <summary>Waits for <paramref name="task"/>, failing the test with <paramref name="what"/> if it takes longer than <see cref="Timeout"/>.</summary>
    protected static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {Timeout.TotalSeconds} s waiting for {what}.");
        }
    }

    /// <inheritdoc cref="Within(Task, string)"/>
    protected static async Task<T> Within<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {Timeout.TotalSeconds} s waiting for {what}.");
            throw;
        }
    }

    /// <summary>The bodies of <paramref name="messages"/> as text.</summary>
    protected static string[] Bodies(IEnumerable<StompMessage> messages) => messages.Select(m => m.GetBodyText()).ToArray();
}

/// <summary>
/// Records an observable from the moment it is created: every item stays available, so a test can wait for
/// the first N items, or for an error, at any later point. Disposing it unsubscribes.
/// </summary>
public sealed class Recorder<T> : IObserver<T>, IAsyncDisposable
{
    private readonly ReplaySubject<T> _replay = new();
    private readonly List<T> _items = [];
    private readonly IDisposable _subscription;

    public Recorder(IObservable<T> source) => _subscription = source.Subscribe(this);

    /// <summary>What arrived so far.</summary>
    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    /// <summary>The first <paramref name="count"/> items, once they have arrived (fails on OnError or after <paramref name="timeout"/>).</summary>
    public async Task<IList<T>> TakeAsync(int count, TimeSpan timeout)
    {
        try
        {
            return await FirstValueAsync(_replay.Take(count).ToList(), timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds} s: {Items.Count} of {count} items arrived ({string.Join(", ", Items)}).");
            throw;
        }
    }

    /// <summary>The first item matching <paramref name="predicate"/>.</summary>
    public async Task<T> FirstAsync(Func<T, bool> predicate, TimeSpan timeout)
    {
        try
        {
            return await FirstValueAsync(_replay.FirstAsync(predicate), timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for a matching item among {Items.Count} ({string.Join(", ", Items)}).");
            throw;
        }
    }

    /// <summary>The error that ended the source.</summary>
    public async Task<Exception> ErrorAsync(TimeSpan timeout)
    {
        try
        {
            var ending = await FirstValueAsync(_replay.Materialize().LastAsync(), timeout);
            return ending.Exception ?? throw new AssertionException($"The source completed without an error, after {Items.Count} items.");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for OnError; {Items.Count} items arrived.");
            throw;
        }
    }

    /// <summary>
    /// The first value of <paramref name="source"/>. The test resumes on the thread pool, never inline on the
    /// client's read loop that delivered the value: a test that then blocked (as <c>Assert.ThrowsAsync</c> does)
    /// would stop the read loop and wait for a frame that loop can no longer read.
    /// </summary>
    private static async Task<TResult> FirstValueAsync<TResult>(IObservable<TResult> source, TimeSpan timeout)
    {
        var result = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = source.Subscribe(
            value => result.TrySetResult(value),
            error => result.TrySetException(error),
            () => result.TrySetException(new InvalidOperationException("The sequence ended without a value.")));
        return await result.Task.WaitAsync(timeout);
    }

    void IObserver<T>.OnNext(T value)
    {
        lock (_items)
        {
            _items.Add(value);
        }

        _replay.OnNext(value);
    }

    void IObserver<T>.OnError(Exception error) => _replay.OnError(error);

    void IObserver<T>.OnCompleted() => _replay.OnCompleted();

    public ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Net;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;
using Rx.Stomp.Listeners;
using Rx.Stomp.Requests;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport.Multicast;

namespace Rx.Stomp.Tests.Readme;

/// <summary>
/// The README's recipes, compiled and run against the embedded broker. Each recipe is the code between
/// <c>#region README name</c> and <c>#endregion</c>; <see cref="The_readme_shows_every_recipe_as_it_is_here"/>
/// checks that README.md holds that exact code, so the two cannot drift apart.
/// </summary>
public partial class ReadmeExamples
{
    private sealed record Price(string Symbol, decimal Value);

    private static SendOptions Json => new() { ContentType = "application/json" };

    private static SendOptions Header(string name, string value) => new() { Headers = StompHeaders.Create((name, value)) };

    [Test]
    public async Task The_tour()
    {
        await using var broker = await StompBroker.StartAsync();
        var options = Embedded.Options(broker);
        var handled = new ReplaySubject<string>();
        Task HandleAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            handled.OnNext(System.Text.Encoding.UTF8.GetString(body.Span));
            return Task.CompletedTask;
        }

        #region README tour
        await using var client = new StompClient(options);
        client.State.Subscribe(s => Console.WriteLine(s));           // current state first, then every change
        await client.ConnectAsync();                                  // version negotiated, CONNECTED or a clear error

        // An async handler goes in Observable.FromAsync, never straight in Subscribe (that would be async void: nothing
        // awaits it, and its exception is lost); Concat handles one message at a time, in order.
        using var orders = client.Watch("/queue/orders", new SubscribeOptions { Ack = AckMode.ClientIndividual })
            .Where(m => m.Headers["type"] == "buy")
            .Select(m => Observable.FromAsync(async ct => { await HandleAsync(m.Body, ct); await m.AckAsync(cancellationToken: ct); }))
            .Concat()
            .Subscribe();

        StompHeaders headers = [new("type", "buy")];                  // a collection expression (Rx.Stomp.Frames)
        await client.SendAsync("/queue/orders", """{"id":1}""", new SendOptions { ContentType = "application/json", Headers = headers, Receipt = true });

        await using (var tx = await client.BeginTransactionAsync())
        {
            await tx.SendAsync("/queue/audit", "one");
            await tx.SendAsync("/queue/audit", "two");
            await tx.CommitAsync();                                   // disposal without commit aborts
        }

        await client.DisconnectAsync();                               // DISCONNECT + receipt, bounded wait
        #endregion

        Assert.That(await handled.WhenAsync(_ => true), Is.EqualTo("""{"id":1}"""));
        Assert.That(broker.GetQueue("/queue/orders"), Is.EqualTo(new BrokerQueueInfo("/queue/orders", 0, 0, 0)), "handled and acknowledged before the disconnect");
        Assert.That(broker.GetQueue("/queue/audit").Pending, Is.EqualTo(2), "both sends of the committed transaction");
    }

    [Test]
    public async Task Build_headers()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var received = new ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/orders", client.Watch("/queue/orders"), received);

        #region README build-headers
        // Headers are immutable (Rx.Stomp.Frames.StompHeaders): build them with a collection expression, in wire order,
        // repeats kept; a spread makes a copy with more.
        StompHeaders headers = [new("type", "buy"), new("region", "eu")];
        StompHeaders traced = [.. headers, new("trace-id", "7f3a")];
        await client.SendAsync("/queue/orders", "{}", new SendOptions { Headers = traced, Receipt = true });
        #endregion

        var message = await received.WhenAsync(_ => true);
        Assert.That((message.Headers["type"], message.Headers["region"], message.Headers["trace-id"]), Is.EqualTo(("buy", "eu", "7f3a")));
        Assert.That(headers, Has.Count.EqualTo(2), "the original is unchanged");
    }

    [Test]
    public async Task Filter_and_project_with_linq()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);

        #region README filter-and-project
        IObservable<Price> acme = client.Watch("/queue/prices")
            .Where(m => m.Headers["symbol"] == "ACME")
            .Select(m => m.Json<Price>());
        #endregion

        var received = new ReplaySubject<Price>();
        using var watch = await broker.SubscribedAsync("/queue/prices", acme, received);
        await client.SendAsync("/queue/prices", """{"Symbol":"OTHER","Value":1}""", Json with { Headers = StompHeaders.Create(("symbol", "OTHER")) });
        await client.SendAsync("/queue/prices", """{"Symbol":"ACME","Value":12.5}""", Json with { Headers = StompHeaders.Create(("symbol", "ACME")) });

        Assert.That(await received.WhenAsync(_ => true), Is.EqualTo(new Price("ACME", 12.5m)));
    }

    [Test]
    public async Task Buffer_and_window_by_time()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var clock = new TestScheduler();

        #region README buffer-and-window
        // Batches of at most one second or 100 messages, whichever is first; and the count per second.
        IObservable<IList<StompMessage>> batches = client.Watch("/queue/events").Buffer(TimeSpan.FromSeconds(1), 100, clock);
        IObservable<int> perSecond = client.Watch("/topic/ticks").Window(TimeSpan.FromSeconds(1), clock).SelectMany(w => w.Count());
        #endregion

        var batched = new ReplaySubject<IList<StompMessage>>();
        var counted = new ReplaySubject<int>();
        using var batching = await broker.SubscribedAsync("/queue/events", batches, batched);
        using var counting = await broker.SubscribedAsync("/topic/ticks", perSecond, counted);
        var arrived = client.Messages.TakeAsync(5);
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("/queue/events", $"e{i}");
        }

        await client.SendAsync("/topic/ticks", "t1");
        await client.SendAsync("/topic/ticks", "t2");
        await arrived;
        clock.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        Assert.That((await batched.WhenAsync(_ => true)).Select(m => m.Text()), Is.EqualTo(new[] { "e0", "e1", "e2" }));
        Assert.That(await counted.WhenAsync(_ => true), Is.EqualTo(2));
    }

    [Test]
    public async Task Group_by_header()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);

        #region README group-by-header
        IObservable<(string Region, int Count)> perRegion = client.Watch("/queue/orders")
            .GroupBy(m => m.Headers["region"] ?? "none")
            .SelectMany(region => region.Scan(0, (count, _) => count + 1).Select(count => (region.Key, count)));
        #endregion

        var counts = new ReplaySubject<(string Region, int Count)>();
        using var watch = await broker.SubscribedAsync("/queue/orders", perRegion, counts);
        foreach (var region in new[] { "eu", "us", "eu", "eu" })
        {
            await client.SendAsync("/queue/orders", "order", Header("region", region));
        }

        Assert.That(await counts.TakeAsync(4), Is.EqualTo(new[] { ("eu", 1), ("us", 1), ("eu", 2), ("eu", 3) }));
    }

    [Test]
    public async Task Merge_two_destinations()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);

        #region README merge-destinations
        IObservable<StompMessage> alerts = client.Watch("/queue/alerts.eu").Merge(client.Watch("/queue/alerts.us"));
        #endregion

        var received = new ReplaySubject<StompMessage>();
        var both = Task.WhenAll(
            broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.Destination == "/queue/alerts.eu"),
            broker.Events.WhenAsync(e => e.Kind == BrokerEventKind.Subscribed && e.Destination == "/queue/alerts.us"));
        using var watch = alerts.Subscribe(received);
        await both;
        await client.SendAsync("/queue/alerts.eu", "fire");
        await client.SendAsync("/queue/alerts.us", "flood");

        Assert.That((await received.TakeAsync(2)).Select(m => m.Text()), Is.EquivalentTo(new[] { "fire", "flood" }));
    }

    [Test]
    public async Task Ack_after_processing()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var done = new ReplaySubject<string>();
        Task ProcessAsync(string job, CancellationToken cancellationToken)
        {
            done.OnNext(job);
            return Task.CompletedTask;
        }

        #region README ack-after-processing
        // One job at a time, in order; each is acknowledged only once processed, so a crash leaves it to the broker.
        IObservable<StompMessage> processed = client.Watch("/queue/jobs", new SubscribeOptions { Ack = AckMode.ClientIndividual })
            .Select(m => Observable.FromAsync(async ct =>
            {
                await ProcessAsync(m.Text(), ct);
                await m.AckAsync(cancellationToken: ct);
                return m;
            }))
            .Concat();
        #endregion

        var acked = new ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/jobs", processed, acked);
        await client.SendAsync("/queue/jobs", "a");
        await client.SendAsync("/queue/jobs", "b");
        await acked.TakeAsync(2);
        // A receipted frame after the ACKs: once it is answered, the broker has handled them.
        await client.SendAsync("/queue/other", "marker", new SendOptions { Receipt = true });

        Assert.That(await done.TakeAsync(2), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(broker.GetQueue("/queue/jobs").Unacknowledged, Is.Zero);
    }

    [Test]
    public async Task Drop_duplicates()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var handled = new ReplaySubject<string>();
        Task HandleAsync(string order, CancellationToken cancellationToken)
        {
            handled.OnNext(order);
            return Task.CompletedTask;
        }

        #region README drop-duplicates
        // Each order once: a redelivery, or a resend by a producer that lost its receipt, carries the "order-id" of an order
        // let through before; it is dropped, and acknowledged so that the broker forgets it. The filter remembers the last
        // 100,000 ids, each for ten minutes of the client's clock, and counts what it dropped (seen.Dropped).
        var seen = new DuplicateFilter(capacity: 100_000, maxAge: TimeSpan.FromMinutes(10), client.Options.Scheduler);
        IObservable<StompMessage> orders = client.Watch("/queue/orders", new SubscribeOptions { Ack = AckMode.ClientIndividual })
            .DropDuplicates(m => m.Headers["order-id"], seen)
            .Select(m => Observable.FromAsync(async ct =>
            {
                await HandleAsync(m.Text(), ct);
                await m.AckAsync(cancellationToken: ct);
                return m;
            }))
            .Concat();
        #endregion

        var acked = new ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/orders", orders, acked);
        foreach (var (id, body) in new[] { ("1", "one"), ("2", "two"), ("1", "one, resent"), ("3", "three") })
        {
            await client.SendAsync("/queue/orders", body, Header("order-id", id));
        }

        await acked.TakeAsync(3);
        // A receipted frame after the ACKs (the duplicate's went out before the third order arrived): once it is
        // answered, the broker has handled them all.
        await client.SendAsync("/queue/other", "marker", new SendOptions { Receipt = true });

        Assert.That(await handled.TakeAsync(3), Is.EqualTo(new[] { "one", "two", "three" }));
        Assert.That((seen.Passed, seen.Dropped), Is.EqualTo((3L, 1L)));
        Assert.That(broker.GetQueue("/queue/orders").Unacknowledged, Is.Zero, "the duplicate was acknowledged too");
    }

    [Test]
    public async Task Retry_a_failed_handler()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var tries = 0;
        Task HandleAsync(StompMessage message, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref tries) < 3 ? throw new IOException("database busy") : Task.CompletedTask;

        #region README retry-a-failed-handler
        // The handler gets three tries; then the message is acknowledged, or refused (NACK) so the broker can redeliver it.
        IObservable<Unit> work = client.Watch("/queue/work", new SubscribeOptions { Ack = AckMode.ClientIndividual })
            .Select(m => Observable.FromAsync(ct => HandleAsync(m, ct))
                .Retry(3)
                .SelectMany(_ => Observable.FromAsync(ct => m.AckAsync(cancellationToken: ct)))
                .Catch((Exception _) => Observable.FromAsync(ct => m.NackAsync(cancellationToken: ct))))
            .Concat();
        #endregion

        var settled = new ReplaySubject<Unit>();
        using var watch = await broker.SubscribedAsync("/queue/work", work, settled);
        await client.SendAsync("/queue/work", "job");
        await settled.WhenAsync(_ => true);
        await client.SendAsync("/queue/other", "marker", new SendOptions { Receipt = true });

        Assert.That(tries, Is.EqualTo(3));
        Assert.That(broker.GetQueue("/queue/work"), Is.EqualTo(new BrokerQueueInfo("/queue/work", 0, 0, 1)), "acknowledged, not requeued");
    }

    [Test]
    public async Task Request_and_reply()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var server = await Embedded.ConnectAsync(broker);
        await using var client = await Embedded.ConnectAsync(broker);

        #region README request-reply
        // Server: answer each request with a reply to its reply-to, carrying its correlation-id. serverReady completes once
        // the broker confirmed the subscription (Rx.Stomp.Listeners): from then on requests are served.
        var serverReady = server.WaitForSubscriptionAsync("/queue/prices.quote");
        using var serving = server.Replies("/queue/prices.quote", (request, ct) =>
                Task.FromResult(Reply.Json(new Price(request.Text(), 42m))))
            .Subscribe();

        // Client: /temp-queue/ on RabbitMQ (the default); a queue of your own elsewhere, e.g. on the embedded broker.
        await serverReady;
        StompMessage reply = await client.RequestAsync("/queue/prices.quote", "ACME",
            new RequestOptions { ReplyTo = "/queue/my-replies", Timeout = TimeSpan.FromSeconds(5) });
        Price price = reply.Json<Price>();
        #endregion

        Assert.That(price, Is.EqualTo(new Price("ACME", 42m)));
    }

    [Test]
    public async Task Deliver_on_a_chosen_scheduler()
    {
        await using var broker = await StompBroker.StartAsync();
        using var uiThread = new EventLoopScheduler(start => new Thread(start) { Name = "ui", IsBackground = true });
        var names = new ReplaySubject<string?>();

        #region README delivery-scheduler
        // Every stream and watch of this client calls OnNext on uiThread (any IScheduler: a dispatcher's, an event loop...).
        var options = new StompClientOptions { Endpoints = [broker.Endpoint], DeliveryScheduler = uiThread };
        await using var client = new StompClient(options);
        using var status = client.State.Subscribe(state => names.OnNext(Thread.CurrentThread.Name));
        await client.ConnectAsync();
        #endregion

        Assert.That((await names.TakeAsync(2)).Distinct(), Is.EqualTo(new[] { "ui" }));
    }

    [Test]
    public async Task Multicast_without_a_broker()
    {
        var group = Transport.MulticastTransportTests.NewGroup();
        var listening = new ReplaySubject<StompMessage>();
        await using var listener = new StompClient(new StompClientOptions { Endpoints = [group], Transport = new MulticastTransport(new MulticastTransportOptions { Interface = IPAddress.Loopback }) });
        await listener.ConnectAsync();
        var subscribed = listener.Receipts.WhenAsync(_ => true);
        using var watch = listener.Watch("/topic/chat").Subscribe(listening);
        await subscribed;

        #region README multicast
        // No broker: each client is a peer of a UDP multicast group (stomp.py's MulticastConnection), here on this machine only.
        var transport = new MulticastTransport(new MulticastTransportOptions { Interface = IPAddress.Loopback });
        await using var peer = new StompClient(new StompClientOptions { Endpoints = [group], Transport = transport });
        await peer.ConnectAsync();
        await peer.SendAsync("/topic/chat", "hello, group");     // one datagram; every peer's subscriptions to /topic/chat get it
        #endregion

        Assert.That((await listening.WhenAsync(_ => true)).Text(), Is.EqualTo("hello, group"));
    }

    [Test]
    public void The_readme_shows_every_recipe_as_it_is_here()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var recipes = Recipes(RepositoryFile("Rx.Stomp.Tests", "Readme", "ReadmeExamples.cs"));

        Assert.That(recipes.Keys, Is.EquivalentTo(new[]
        {
            "tour", "build-headers", "filter-and-project", "buffer-and-window", "group-by-header", "merge-destinations",
            "ack-after-processing", "drop-duplicates", "retry-a-failed-handler", "request-reply", "delivery-scheduler", "multicast",
        }));
        Assert.Multiple(() =>
        {
            foreach (var (name, code) in recipes)
            {
                Assert.That(readme, Does.Contain(code), $"README.md does not show the recipe '{name}' as Readme/ReadmeExamples.cs has it.");
            }
        });
    }

    /// <summary>Each <c>#region README name</c> of <paramref name="source"/>, its code with the common indentation removed.</summary>
    internal static Dictionary<string, string> Recipes(string source) =>
        RegionPattern().Matches(source.ReplaceLineEndings("\n")).ToDictionary(m => m.Groups["name"].Value, m => Dedent(m.Groups["code"].Value));

    private static string Dedent(string code)
    {
        var lines = code.TrimEnd().Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    /// <summary>
    /// The clone this test assembly was built in, found from where the assembly runs: a CI build maps source paths to
    /// <c>/_/</c>, so <c>[CallerFilePath]</c> does not lead back to the files.
    /// </summary>
    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Rx.Stomp.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("No Rx.Stomp.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>The text of a file of this repository, by its path from the repository's root.</summary>
    internal static string RepositoryFile(params string[] path) => File.ReadAllText(Path.Combine([RepositoryRoot(), .. path]));

    [GeneratedRegex(@"^[ \t]*#region README (?<name>[\w-]+)\n(?<code>.*?)^[ \t]*#endregion", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex RegionPattern();
}

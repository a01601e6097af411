using System.Reactive.Concurrency;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Client;

/// <summary>
/// Everything a <see cref="StompClient"/> needs, as one immutable record. Build it with an object initializer or
/// from a URL with <see cref="Parse"/>. <see cref="ToString"/> never shows the passcode.
/// </summary>
public sealed record StompClientOptions
{
    /// <summary>The brokers to try, in order (stomp.py's <c>host_and_ports</c>); the first that accepts is used.</summary>
    public IReadOnlyList<StompEndpoint> Endpoints { get; init; } = [new("localhost")];

    /// <summary>Put loopback endpoints first (stomp.py's <c>prefer_localhost</c>).</summary>
    public bool PreferLocalhost { get; init; } = true;

    /// <summary>For an endpoint naming this machine by its host name, try 127.0.0.1 first (stomp.py's <c>try_loopback_connect</c>).</summary>
    public bool TryLoopbackConnect { get; init; } = true;

    /// <summary>The <c>login</c> header, or <see langword="null"/> to send none.</summary>
    public string? Login { get; init; }

    /// <summary>The <c>passcode</c> header, or <see langword="null"/>. Never logged nor shown.</summary>
    public string? Passcode { get; init; }

    /// <summary>
    /// The <c>host</c> header. RabbitMQ reads it as the virtual host and refuses an unknown one; ActiveMQ and
    /// Artemis ignore it. The default, <c>/</c>, is RabbitMQ's default virtual host, so it works on all three.
    /// </summary>
    public string VirtualHost { get; init; } = "/";

    /// <summary>The versions offered in <c>accept-version</c>; pin one by giving only it.</summary>
    public IReadOnlyList<StompVersion> AcceptVersions { get; init; } = StompVersions.All;

    /// <summary>Open with the STOMP command instead of CONNECT (1.1 and later servers only).</summary>
    public bool UseStompCommand { get; init; }

    /// <summary>
    /// The <c>client-id</c> header of CONNECT, or <see langword="null"/> to send none: ActiveMQ and Artemis keep a
    /// durable subscription (<see cref="SubscribeOptions.Durable"/>) under it and its name, so it must be the same on
    /// every run, and ActiveMQ refuses a second connection with the same one. A <c>client-id</c> in
    /// <see cref="ConnectHeaders"/> is sent instead.
    /// </summary>
    public string? ClientId { get; init; }

    /// <summary>Extra headers for CONNECT.</summary>
    public StompHeaders ConnectHeaders { get; init; } = StompHeaders.Empty;

    /// <summary>
    /// The heart-beats asked for: how often this client offers to send (cx), and how often it wants to hear from
    /// the broker (cy). <see cref="TimeSpan.Zero"/> disables a direction.
    /// </summary>
    public HeartbeatIntervals Heartbeat { get; init; } = HeartbeatIntervals.None;

    /// <summary>How long to wait for a TCP connection and then for CONNECTED.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for a RECEIPT before failing with <see cref="StompTimeoutException"/>.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="StompClient.DisconnectAsync(CancellationToken)"/> waits for the DISCONNECT receipt before closing anyway.</summary>
    public TimeSpan DisconnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Retries of the first connection by <see cref="StompClient.ConnectAsync"/>: stomp.py's defaults, three attempts
    /// 0.1 s then 0.15 s apart, so that a wrong address fails fast instead of hanging.
    /// </summary>
    public BackoffPolicy ConnectRetry { get; init; } = BackoffPolicy.Connect;

    /// <summary>
    /// Reconnection after a connection was lost (socket closed, read error, heart-beat timeout, ERROR frame): by
    /// default forever, with stomp.py's delays (0.1 s growing by half each time up to 60 s, 10 % jitter). A broker
    /// that refuses the login ends it at once. Use <c>MaxAttempts = 1</c> to never reconnect.
    /// </summary>
    public BackoffPolicy Reconnect { get; init; } = BackoffPolicy.Reconnect;

    /// <summary>What sends do while the client is (re)connecting.</summary>
    public OfflineSends OfflineSends { get; init; } = OfflineSends.Wait;

    /// <summary>Most frames that wait for the connection under <see cref="OfflineSends.Wait"/>; beyond it a send fails at once.</summary>
    public int OfflineQueueLimit { get; init; } = 10_000;

    /// <summary>Longest a frame waits for the connection under <see cref="OfflineSends.Wait"/>.</summary>
    public TimeSpan OfflineTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Caps on inbound frames.</summary>
    public FrameLimits Limits { get; init; } = FrameLimits.Default;

    /// <summary>The encoding of text bodies sent with <see cref="StompClient.SendAsync(string, string, SendOptions?, CancellationToken)"/>.</summary>
    public Encoding TextEncoding { get; init; } = new UTF8Encoding(false);

    /// <summary>How connections are opened: by default each endpoint by its kind (TCP, TLS, ws, wss) through <see cref="StompTransport"/>.</summary>
    public IStompTransport Transport { get; init; } = new StompTransport();

    /// <summary>
    /// TLS settings of every <c>stomp+ssl://</c> and <c>wss://</c> endpoint that has none of its own
    /// (<see cref="StompEndpoint.Tls"/>): by default the server's certificate is verified against the system store.
    /// </summary>
    public StompTlsOptions Tls { get; init; } = StompTlsOptions.Default;

    /// <summary>
    /// Most receipts awaited at once; beyond it a send that asks for a receipt fails at once with
    /// <see cref="InvalidOperationException"/>, so a broker that never answers cannot grow the client's memory.
    /// </summary>
    public int MaxPendingReceipts { get; init; } = 10_000;

    /// <summary>The clock of every timeout and heart-beat; a <c>TestScheduler</c> in tests.</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;

    /// <summary>
    /// Where the client's streams and watches call <c>OnNext</c> (stomp.py's <c>override_threading</c>): by default
    /// (<see langword="null"/>) on the connection's read loop, with no thread switch; given a scheduler (a UI
    /// dispatcher's, an <c>EventLoopScheduler</c>, <c>TaskPoolScheduler.Default</c>…), every subscription is delivered
    /// through it, one call at a time and in wire order per subscription. An exception thrown by an observer there
    /// is reported on <see cref="StompClient.Errors"/> just as on the read loop.
    /// </summary>
    public IScheduler? DeliveryScheduler { get; init; }

    /// <summary>
    /// Applied to every frame this client writes, CONNECT and DISCONNECT included (heart-beats not), just before it is
    /// written; returns the frame to write (the same, or a changed copy): the usual way to put a header on every
    /// frame, a token or a trace id (what stomp.py's <c>on_send</c> does by changing the frame). It runs on the
    /// sending thread, possibly on several at once, so it must be thread-safe and quick; it may change headers and
    /// body, not the command nor the <c>receipt</c> header. One that throws (or breaks that rule) is reported on
    /// <see cref="StompClient.Errors"/>, and the frame goes on unchanged. Listeners' <c>OnBeforeSend</c> run after it.
    /// </summary>
    public Func<Frame, Frame>? BeforeSend { get; init; }

    /// <summary>Where the client logs; frames are logged at Trace level with secrets redacted.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Parses <c>stomp://user:pass@host:port/vhost?heart-beat=cx,cy&amp;accept-version=1.2</c>, <c>stomp+ssl://host:61614</c>,
    /// <c>ws://host:15674/ws?vhost=/</c> or <c>wss://…</c> (for WebSocket the path is the HTTP path), or a
    /// <c>failover:(stomp+ssl://a:61614,stomp://b:61613)</c> list: the first URL's credentials and query apply to the
    /// client; each URL's TLS keys (<c>ca-file</c>, <c>cert-file</c>, <c>key-file</c>, <c>target-host</c>) to its endpoint.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a URL.</exception>
    public static StompClientOptions Parse(string url) => StompUrl.Parse(url, new StompClientOptions());

    /// <summary>Throws <see cref="ArgumentException"/> for settings that cannot work, before any connection is tried.</summary>
    public StompClientOptions Validate()
    {
        if (Endpoints is null || Endpoints.Count == 0)
        {
            throw new ArgumentException("At least one endpoint is needed.", nameof(Endpoints));
        }

        foreach (var endpoint in Endpoints)
        {
            if (string.IsNullOrWhiteSpace(endpoint.Host) || endpoint.Port is < 1 or > 65535)
            {
                throw new ArgumentException($"Endpoint '{endpoint}' needs a host and a port between 1 and 65535.", nameof(Endpoints));
            }
        }

        if (AcceptVersions is null || AcceptVersions.Count == 0)
        {
            throw new ArgumentException("At least one STOMP version must be accepted.", nameof(AcceptVersions));
        }

        if (UseStompCommand && AcceptVersions.All(v => v == StompVersion.V10))
        {
            throw new ArgumentException("The STOMP command needs version 1.1 or later.", nameof(UseStompCommand));
        }

        foreach (var (value, name) in new[] { (ConnectTimeout, nameof(ConnectTimeout)), (ReceiptTimeout, nameof(ReceiptTimeout)), (DisconnectTimeout, nameof(DisconnectTimeout)), (OfflineTimeout, nameof(OfflineTimeout)) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, "Timeouts must be positive.");
            }
        }

        if (ClientId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(ClientId, nameof(ClientId));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(OfflineQueueLimit, 0, nameof(OfflineQueueLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingReceipts, 1, nameof(MaxPendingReceipts));
        ArgumentNullException.ThrowIfNull(Tls, nameof(Tls));
        ArgumentNullException.ThrowIfNull(Transport, nameof(Transport));
        ArgumentNullException.ThrowIfNull(ConnectRetry, nameof(ConnectRetry));
        ConnectRetry.Validate();
        ArgumentNullException.ThrowIfNull(Reconnect, nameof(Reconnect));
        Reconnect.Validate();
        ArgumentNullException.ThrowIfNull(Heartbeat, nameof(Heartbeat));
        Heartbeat.Validate();
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        Limits.Validate();
        return this;
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Endpoints = [").AppendJoin(", ", Endpoints).Append(']');
        builder.Append(", Login = ").Append(Login ?? "(none)");
        builder.Append(", Passcode = ").Append(Passcode is null ? "(none)" : Redaction.Mask);
        builder.Append(", VirtualHost = ").Append(VirtualHost);
        if (ClientId is not null)
        {
            builder.Append(", ClientId = ").Append(ClientId);
        }

        builder.Append(", AcceptVersions = ").AppendJoin(",", AcceptVersions.Select(v => v.ToWire()));
        builder.Append(", Heartbeat = ").Append(Heartbeat);
        if (Endpoints.Any(e => e.Kind.UsesTls()))
        {
            builder.Append(", Tls = ").Append(Tls);
        }

        return true;
    }
}

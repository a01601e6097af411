using Rx.Stomp.Frames;

namespace Rx.Stomp.Requests;

/// <summary>How <see cref="StompRequests.RequestAsync(Client.StompClient, string, ReadOnlyMemory{byte}, RequestOptions?, CancellationToken)"/> sends a request (with a body of bytes or of text) and waits for its reply.</summary>
public sealed record RequestOptions
{
    /// <summary>The default: a RabbitMQ temporary reply queue, 30 s to answer.</summary>
    public static RequestOptions Default { get; } = new();

    /// <summary>RabbitMQ's temporary reply queue for this connection (created by the broker on first use, deleted with the connection).</summary>
    public const string TemporaryQueue = "/temp-queue/rxstomp-replies";

    /// <summary>
    /// The <c>reply-to</c> header. A <c>/temp-queue/…</c> name (RabbitMQ) needs no subscription: the broker delivers
    /// replies to this connection by itself. Any other destination (a queue of your own, the only choice on brokers
    /// without temporary queues such as the embedded one) is subscribed by the client on first use and stays
    /// subscribed until the client is disposed, so that later requests find it ready.
    /// </summary>
    public string ReplyTo { get; init; } = TemporaryQueue;

    /// <summary>How long to wait for the reply (on the client's scheduler) before <see cref="StompTimeoutException"/>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The request's <c>content-type</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Extra request headers.</summary>
    public StompHeaders Headers { get; init; } = StompHeaders.Empty;

    /// <summary>Wait for the broker's RECEIPT of the request before waiting for the reply.</summary>
    public bool Receipt { get; init; }
}

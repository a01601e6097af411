using System.Diagnostics;
using System.Text;
using Rx.Stomp.Frames;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Client;

/// <summary>
/// A MESSAGE frame and what it means: destination, ids, and acknowledgement bound to the connection that delivered it.
/// </summary>
public sealed class StompMessage
{
    private readonly StompClient _client;

    internal StompMessage(StompClient client, Frame frame, Session session)
    {
        _client = client;
        Frame = frame;
        Session = session;
        Version = session.Version;
    }

    /// <summary>The frame as received.</summary>
    public Frame Frame { get; }

    /// <summary>The frame's headers.</summary>
    public StompHeaders Headers => Frame.Headers;

    /// <summary>The body, byte-exact.</summary>
    public ReadOnlyMemory<byte> Body => Frame.Body;

    /// <summary>The <c>destination</c> header (the broker may have rewritten it).</summary>
    public string? Destination => Frame.Headers[StompHeaderNames.Destination];

    /// <summary>The <c>message-id</c> header.</summary>
    public string? MessageId => Frame.Headers[StompHeaderNames.MessageId];

    /// <summary>The <c>subscription</c> header: the id of the SUBSCRIBE this message answers.</summary>
    public string? Subscription => Frame.Headers[StompHeaderNames.Subscription];

    /// <summary>The <c>ack</c> header (1.2): the id to acknowledge this message with.</summary>
    public string? Ack => Frame.Headers[StompHeaderNames.Ack];

    /// <summary>The <c>content-type</c> header.</summary>
    public string? ContentType => Frame.Headers[StompHeaderNames.ContentType];

    /// <summary>Whether the broker marked this message as delivered before (RabbitMQ and ActiveMQ set <c>redelivered</c>).</summary>
    public bool Redelivered => string.Equals(Frame.Headers[StompHeaderNames.Redelivered], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The trace context the producer sent along (W3C <c>traceparent</c> and <c>tracestate</c>, read by
    /// <see cref="DistributedContextPropagator.Current"/>), or <see langword="default"/> when the message carries none
    /// or a malformed one. It is the parent of the message's <c>process</c> span (see <see cref="StompTracing"/>); a
    /// handler that runs where that span is not <see cref="Activity.Current"/> (on a thread that did not bring the
    /// delivery's context along) can start its own spans from it.
    /// </summary>
    public ActivityContext TraceContext => TraceHeaders.Extract(Frame.Headers);

    /// <summary>The version of the connection that delivered the message; it decides the ACK headers.</summary>
    public StompVersion Version { get; }

    /// <summary>The connection that delivered the message; an ACK must go out on it and no other.</summary>
    internal Session Session { get; }

    /// <summary>The client that received the message (replies go out on it).</summary>
    internal StompClient Client => _client;

    /// <summary>The body as text, with the charset of <c>content-type</c> or else <paramref name="encoding"/> or UTF-8.</summary>
    public string GetBodyText(Encoding? encoding = null) => Frame.GetBodyText(encoding);

    /// <summary>Acknowledges the message (ack modes client and client-individual).</summary>
    /// <param name="transaction">The transaction to acknowledge in, if any.</param>
    /// <param name="receipt">Wait for the broker's RECEIPT.</param>
    /// <param name="headers">Extra ACK headers, after those that name the message.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="StompConnectionException">The connection that delivered the message is gone; the broker redelivers it.</exception>
    public Task AckAsync(StompTransaction? transaction = null, bool receipt = false, StompHeaders? headers = null, CancellationToken cancellationToken = default) =>
        Acknowledgement.SendAsync(this, StompCommand.Ack, transaction, receipt, headers, cancellationToken);

    /// <summary>Refuses the message (STOMP 1.1 and later); RabbitMQ requeues it unless <c>requeue:false</c> is among <paramref name="headers"/>.</summary>
    /// <exception cref="NotSupportedException">The connection speaks STOMP 1.0, which has no NACK.</exception>
    /// <exception cref="StompConnectionException">The connection that delivered the message is gone; the broker redelivers it.</exception>
    public Task NackAsync(StompTransaction? transaction = null, bool receipt = false, StompHeaders? headers = null, CancellationToken cancellationToken = default) =>
        Acknowledgement.SendAsync(this, StompCommand.Nack, transaction, receipt, headers, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Frame.ToString();
}

namespace Rx.Stomp.Frames;

/// <summary>The header names the STOMP specifications define.</summary>
public static class StompHeaderNames
{
    /// <summary><c>accept-version</c> (CONNECT).</summary>
    public const string AcceptVersion = "accept-version";
    /// <summary><c>ack</c> (SUBSCRIBE mode, or the MESSAGE's ack id in 1.2).</summary>
    public const string Ack = "ack";
    /// <summary><c>content-length</c>.</summary>
    public const string ContentLength = "content-length";
    /// <summary><c>content-type</c>.</summary>
    public const string ContentType = "content-type";
    /// <summary><c>destination</c>.</summary>
    public const string Destination = "destination";
    /// <summary><c>heart-beat</c>.</summary>
    public const string HeartBeat = "heart-beat";
    /// <summary><c>host</c> (the virtual host on RabbitMQ).</summary>
    public const string Host = "host";
    /// <summary><c>id</c>.</summary>
    public const string Id = "id";
    /// <summary><c>login</c>.</summary>
    public const string Login = "login";
    /// <summary><c>message</c> (ERROR).</summary>
    public const string Message = "message";
    /// <summary><c>message-id</c>.</summary>
    public const string MessageId = "message-id";
    /// <summary><c>passcode</c>; never logged.</summary>
    public const string Passcode = "passcode";
    /// <summary><c>receipt</c>.</summary>
    public const string Receipt = "receipt";
    /// <summary><c>receipt-id</c>.</summary>
    public const string ReceiptId = "receipt-id";
    /// <summary><c>server</c> (CONNECTED).</summary>
    public const string Server = "server";
    /// <summary><c>session</c> (CONNECTED).</summary>
    public const string Session = "session";
    /// <summary><c>subscription</c> (MESSAGE, and ACK/NACK in 1.1).</summary>
    public const string Subscription = "subscription";
    /// <summary><c>transaction</c>.</summary>
    public const string Transaction = "transaction";
    /// <summary><c>version</c> (CONNECTED).</summary>
    public const string Version = "version";
    /// <summary><c>reply-to</c>.</summary>
    public const string ReplyTo = "reply-to";
    /// <summary><c>correlation-id</c>.</summary>
    public const string CorrelationId = "correlation-id";
    /// <summary><c>redelivered</c> (set by RabbitMQ and ActiveMQ on MESSAGE).</summary>
    public const string Redelivered = "redelivered";
    /// <summary><c>requeue</c> (RabbitMQ NACK).</summary>
    public const string Requeue = "requeue";
}

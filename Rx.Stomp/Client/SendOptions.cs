using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>How a SEND goes out.</summary>
public sealed record SendOptions
{
    /// <summary>Default options: no receipt, content-length included.</summary>
    public static SendOptions Default { get; } = new();

    /// <summary>The <c>content-type</c> header, e.g. <c>application/json</c> or <c>text/plain;charset=utf-8</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Extra headers (<c>persistent</c>, <c>reply-to</c>, <c>correlation-id</c>…).</summary>
    public StompHeaders Headers { get; init; } = StompHeaders.Empty;

    /// <summary>Wait for the broker's RECEIPT: the only way to learn of a failed send on ActiveMQ.</summary>
    public bool Receipt { get; init; }

    /// <summary>Add <c>content-length</c> (on by default). ActiveMQ makes messages with it BytesMessages and without it TextMessages.</summary>
    public bool ContentLength { get; init; } = true;
}

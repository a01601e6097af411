using System.Text;
using System.Text.Json;
using Rx.Stomp.Client;

namespace Rx.Stomp.Requests;

/// <summary>What a request handler answers (see <see cref="StompRequests.Replies"/>).</summary>
/// <param name="Body">The reply's body.</param>
/// <param name="Options">Its content type and extra headers; <c>correlation-id</c> is added for you.</param>
public sealed record Reply(ReadOnlyMemory<byte> Body, SendOptions? Options = null)
{
    /// <summary>A text reply, in UTF-8, with content type <c>text/plain;charset=utf-8</c>.</summary>
    public static Reply Text(string text) =>
        new(Encoding.UTF8.GetBytes(text), new SendOptions { ContentType = "text/plain;charset=utf-8" });

    /// <summary>A JSON reply, with content type <c>application/json</c>.</summary>
    public static Reply Json<T>(T value, JsonSerializerOptions? options = null) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, options), new SendOptions { ContentType = "application/json" });
}

using System.Text;

namespace Rx.Stomp.Frames;

/// <summary>Reads the <c>charset</c> parameter of a <c>content-type</c> value.</summary>
internal static class ContentTypeCharset
{
    /// <summary>The encoding named by <c>charset=</c>, or <see langword="null"/> when absent or unknown.</summary>
    public static Encoding? EncodingOf(string? contentType) => StompContentType.Parse(contentType)?.Encoding;
}

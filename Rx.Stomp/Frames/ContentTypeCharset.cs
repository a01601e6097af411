using System.Text;

namespace Rx.Stomp.Frames;

/// <summary>Reads the <c>charset</c> parameter of a <c>content-type</c> value.</summary>
internal static class ContentTypeCharset
{
    /// <summary>The encoding named by <c>charset=</c>, or <see langword="null"/> when absent or unknown.</summary>
    public static Encoding? EncodingOf(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        foreach (var part in contentType.Split(';'))
        {
            var p = part.Trim();
            if (p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    return Encoding.GetEncoding(p["charset=".Length..].Trim('"', ' '));
                }
                catch (ArgumentException)
                {
                    return null;
                }
            }
        }

        return null;
    }
}

using System.Text;

namespace Rx.Stomp.Frames;

/// <summary>A <c>content-type</c> header read as the spec defines it: a MIME type and an optional <c>charset</c> parameter.</summary>
/// <param name="MediaType">The MIME type, e.g. <c>application/json</c>, lower-cased.</param>
/// <param name="Charset">The <c>charset</c> parameter as written (quotes removed), or <see langword="null"/>.</param>
public sealed record StompContentType(string MediaType, string? Charset)
{
    /// <summary>The encoding named by <see cref="Charset"/>, or <see langword="null"/> when there is none or .NET does not know it.</summary>
    public Encoding? Encoding
    {
        get
        {
            if (Charset is null)
            {
                return null;
            }

            try
            {
                return Encoding.GetEncoding(Charset);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }

    /// <summary>Whether the type is text by the spec's rule (<c>text/*</c>) or JSON/XML, which are text too.</summary>
    public bool IsText =>
        MediaType.StartsWith("text/", StringComparison.Ordinal)
        || MediaType.EndsWith("/json", StringComparison.Ordinal) || MediaType.EndsWith("+json", StringComparison.Ordinal)
        || MediaType.EndsWith("/xml", StringComparison.Ordinal) || MediaType.EndsWith("+xml", StringComparison.Ordinal);

    /// <summary>Reads a <c>content-type</c> value; <see langword="null"/> for a missing or empty one.</summary>
    public static StompContentType? Parse(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var parts = contentType.Split(';');
        string? charset = null;
        foreach (var part in parts.AsSpan(1))
        {
            var parameter = part.Trim();
            if (parameter.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
            {
                charset = parameter["charset=".Length..].Trim('"', ' ');
                break;
            }
        }

        return new StompContentType(parts[0].Trim().ToLowerInvariant(), string.IsNullOrEmpty(charset) ? null : charset);
    }

    /// <inheritdoc />
    public override string ToString() => Charset is null ? MediaType : $"{MediaType};charset={Charset}";
}

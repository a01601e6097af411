using System.Collections;
using System.Runtime.CompilerServices;

namespace Rx.Stomp.Frames;

/// <summary>
/// The headers of a frame, immutable, in wire order, repeats kept. Looking a name up returns its first
/// occurrence, as the specification requires; the repeats stay visible through enumeration and
/// <see cref="GetAll"/>. Build them with a collection expression, <c>StompHeaders headers = [new("type", "buy"), new("region", "eu")]</c>
/// (spreads work too: <c>[.. headers, new("trace", id)]</c>), or <c>StompHeaders.Create(("type", "buy"), ("region", "eu"))</c>.
/// </summary>
[CollectionBuilder(typeof(StompHeaders), nameof(Create))]
public sealed class StompHeaders : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly KeyValuePair<string, string>[] _items;

    /// <summary>No headers.</summary>
    public static StompHeaders Empty { get; } = new([]);

    internal StompHeaders(KeyValuePair<string, string>[] items) => _items = items;

    /// <summary>Creates headers from name/value pairs, in the given order.</summary>
    public static StompHeaders Create(params ReadOnlySpan<(string Name, string Value)> headers) =>
        Of(headers, static h => Pair(h.Name, h.Value));

    /// <summary>Creates headers from name/value pairs, in the given order: what a collection expression calls.</summary>
    public static StompHeaders Create(ReadOnlySpan<KeyValuePair<string, string>> headers) =>
        Of(headers, static h => Pair(h.Key, h.Value));

    /// <summary>Creates headers from name/value pairs, in the given order.</summary>
    public static StompHeaders Create(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var items = headers.Select(h => Pair(h.Key, h.Value)).ToArray();
        return items.Length == 0 ? Empty : new StompHeaders(items);
    }

    /// <summary>The number of header lines, repeats included.</summary>
    public int Count => _items.Length;

    /// <summary>The header line at <paramref name="index"/>, in wire order.</summary>
    public KeyValuePair<string, string> this[int index] => _items[index];

    /// <summary>The value of the first header named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public string? this[string name] => TryGetValue(name, out var value) ? value : null;

    /// <summary>Finds the first header named <paramref name="name"/> (names are case-sensitive).</summary>
    public bool TryGetValue(string name, out string value)
    {
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, name, StringComparison.Ordinal))
            {
                value = item.Value;
                return true;
            }
        }

        value = string.Empty;
        return false;
    }

    /// <summary>Whether a header named <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => TryGetValue(name, out _);

    /// <summary>Every value of the headers named <paramref name="name"/>, in wire order.</summary>
    public IEnumerable<string> GetAll(string name) =>
        _items.Where(i => string.Equals(i.Key, name, StringComparison.Ordinal)).Select(i => i.Value);

    /// <summary>These headers with one more line at the end (a repeat if the name is present already).</summary>
    public StompHeaders Add(string name, string value)
    {
        var items = new KeyValuePair<string, string>[_items.Length + 1];
        _items.CopyTo(items, 0);
        items[^1] = Pair(name, value);
        return new StompHeaders(items);
    }

    /// <summary>These headers with every line named <paramref name="name"/> replaced by one line at the end.</summary>
    public StompHeaders Set(string name, string value) => Remove(name).Add(name, value);

    /// <summary>These headers without any line named <paramref name="name"/>.</summary>
    public StompHeaders Remove(string name) =>
        Contains(name) ? new StompHeaders(_items.Where(i => !string.Equals(i.Key, name, StringComparison.Ordinal)).ToArray()) : this;

    /// <summary>These headers followed by <paramref name="more"/>; lines of <paramref name="more"/> come after, so they lose lookups to earlier repeats.</summary>
    public StompHeaders Concat(IEnumerable<KeyValuePair<string, string>> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var extra = more.Select(h => Pair(h.Key, h.Value)).ToArray();
        return extra.Length == 0 ? this : new StompHeaders([.. _items, .. extra]);
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The headers one per line as <c>name:value</c>, with secrets (<c>passcode</c>) redacted.</summary>
    public override string ToString() =>
        string.Join("\n", _items.Select(i => $"{i.Key}:{Redaction.Redact(i.Key, i.Value)}"));

    private static StompHeaders Of<T>(ReadOnlySpan<T> headers, Func<T, KeyValuePair<string, string>> line)
    {
        if (headers.IsEmpty)
        {
            return Empty;
        }

        var items = new KeyValuePair<string, string>[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            items[i] = line(headers[i]);
        }

        return new StompHeaders(items);
    }

    private static KeyValuePair<string, string> Pair(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0)
        {
            throw new ArgumentException("A header name cannot be empty.", nameof(name));
        }

        return new KeyValuePair<string, string>(name, value);
    }
}

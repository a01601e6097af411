namespace Rx.Stomp.Frames;

/// <summary>
/// The last value read for each header whose value repeats from message to message (destination, subscription,
/// content-length…), so that reading a stream of MESSAGE frames does not allocate the same strings again.
/// </summary>
/// <remarks>
/// Entries are immutable and replaced whole, so one instance may be shared by readers on any number of threads:
/// a race costs a miss, never a wrong value. Values holding a backslash are not kept, for their meaning depends on
/// whether the frame's headers are escaped; any other value decodes the same way in every frame.
/// </remarks>
internal sealed class RepeatedHeaderValues
{
    private static readonly string[] Names =
    [
        StompHeaderNames.Destination, StompHeaderNames.Subscription, StompHeaderNames.ContentLength,
        StompHeaderNames.ContentType, StompHeaderNames.Redelivered, "persistent", "priority",
    ];

    private readonly Entry?[] _entries = new Entry?[Names.Length];

    /// <summary>The value remembered for <paramref name="name"/> if its bytes are <paramref name="raw"/>; else null, and the slot to remember it in (-1: none).</summary>
    public string? TryGet(string name, ReadOnlySpan<byte> raw, out int slot)
    {
        slot = Array.IndexOf(Names, name);
        if (slot < 0)
        {
            return null;
        }

        var entry = Volatile.Read(ref _entries[slot]);
        return entry is not null && raw.SequenceEqual(entry.Raw) ? entry.Value : null;
    }

    /// <summary>Remembers <paramref name="value"/>, decoded from <paramref name="raw"/>, in <paramref name="slot"/>; returns it.</summary>
    public string Remember(int slot, ReadOnlySpan<byte> raw, string value)
    {
        if (slot >= 0 && raw.IndexOf((byte)'\\') < 0)
        {
            Volatile.Write(ref _entries[slot], new Entry(raw.ToArray(), value));
        }

        return value;
    }

    private sealed record Entry(byte[] Raw, string Value);
}

namespace Rx.Stomp.Frames;

/// <summary>
/// Caps on what the reader accepts, so a hostile or broken peer holds the client to bounded memory.
/// Exceeding one is a <see cref="StompProtocolException"/>.
/// </summary>
public sealed record FrameLimits
{
    /// <summary>The defaults: 16 MiB frames, 1,000 headers, 64 KiB header lines.</summary>
    public static FrameLimits Default { get; } = new();

    /// <summary>Largest frame in bytes, command and headers included (RabbitMQ's own default is 4 MB).</summary>
    public int MaxFrameSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most header lines in one frame.</summary>
    public int MaxHeaderCount { get; init; } = 1000;

    /// <summary>Longest command or header line in bytes.</summary>
    public int MaxHeaderLineLength { get; init; } = 64 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless every limit is positive.</summary>
    public FrameLimits Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, 16, nameof(MaxFrameSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderCount, 1, nameof(MaxHeaderCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderLineLength, 16, nameof(MaxHeaderLineLength));
        return this;
    }
}

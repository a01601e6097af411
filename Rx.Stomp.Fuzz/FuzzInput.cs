using Rx.Stomp.Frames;

namespace Rx.Stomp.Fuzz;

/// <summary>
/// How the fuzzer's bytes drive one run: the first byte picks the version (low two bits: 0 = 1.0, 1 = 1.1, else
/// 1.2) and, with bit 2, small limits; the second byte the chunk size the stream arrives in (1 to 64 bytes); the rest
/// is the byte stream. So a seed written as text reads <c>"2A"</c> + frame: STOMP 1.2, default limits, 2-byte chunks.
/// </summary>
internal sealed record FuzzInput(StompVersion Version, FrameLimits Limits, int ChunkSize, byte[] Stream)
{
    /// <summary>Limits small enough for the fuzzer to reach every "too large" branch with short inputs.</summary>
    private static readonly FrameLimits SmallLimits = new() { MaxFrameSize = 256, MaxHeaderCount = 4, MaxHeaderLineLength = 48 };

    /// <summary>Decodes <paramref name="data"/>; null when it is too short to say anything.</summary>
    public static FuzzInput? Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            return null;
        }

        var version = (data[0] & 3) switch
        {
            0 => StompVersion.V10,
            1 => StompVersion.V11,
            _ => StompVersion.V12,
        };
        var limits = (data[0] & 4) != 0 ? SmallLimits : FrameLimits.Default;
        return new FuzzInput(version, limits, data[1] % 64 + 1, data[2..].ToArray());
    }
}

using System.IO.Pipelines;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Testing;

/// <summary>Reading whole frames from a <see cref="PipeReader"/>, for scripted peers.</summary>
internal static class PipeFrames
{
    /// <summary>The next frame or heart-beat; null when the other side closed.</summary>
    public static async Task<Frame?> ReadFrameAsync(this PipeReader input, FrameReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (reader.TryRead(ref buffer, out var frame))
            {
                // Only what was read is examined: the next frame may already be buffered.
                input.AdvanceTo(buffer.Start);
                return frame;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }
}

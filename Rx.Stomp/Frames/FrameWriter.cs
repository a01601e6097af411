using System.Buffers;
using System.Buffers.Text;

namespace Rx.Stomp.Frames;

/// <summary>
/// Writes STOMP frames as bytes, the inverse of <see cref="FrameReader"/> for one version. It allocates nothing
/// beyond the output buffer for frames whose headers need no escaping.
/// </summary>
/// <remarks>
/// Lines end in LF alone, which every version accepts. On SEND, MESSAGE and ERROR frames a
/// <c>content-length</c> header is added unless the caller turns it off (ActiveMQ turns messages with one into
/// bytes messages); a body holding NUL cannot be sent without it. What the version cannot carry is refused with a
/// <see cref="StompProtocolException"/> before anything is written.
/// </remarks>
public sealed class FrameWriter
{
    /// <summary>Creates a writer for <paramref name="version"/>.</summary>
    public FrameWriter(StompVersion version) => Version = version;

    /// <summary>The version whose rules this writer applies.</summary>
    public StompVersion Version { get; }

    /// <summary>Writes <paramref name="frame"/> to <paramref name="output"/>.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="frame">The frame; <see cref="Frame.Heartbeat"/> writes a single LF.</param>
    /// <param name="contentLength">Whether to add <c>content-length</c> to a frame that carries a body.</param>
    /// <exception cref="StompProtocolException">The frame cannot be carried by this version.</exception>
    public void Write(IBufferWriter<byte> output, Frame frame, bool contentLength = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.IsHeartbeat)
        {
            output.Write("\n"u8);
            return;
        }

        var addLength = Validate(frame, contentLength);
        var escaped = Version >= StompVersion.V11 && frame.Command.IsEscaped();

        // Every check before the first byte: a refused frame must leave nothing half-written in the output.
        // Indexed, not foreach: the headers' enumerator is an interface, and boxing it would allocate per frame.
        var headers = frame.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            HeaderText.Check(header.Key, escaped, Version, isName: true, frame.Command);
            HeaderText.Check(header.Value, escaped, Version, isName: false, frame.Command);
        }

        output.Write(frame.Command.ToWireBytes());
        output.Write("\n"u8);
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            HeaderText.Write(output, header.Key, escaped);
            output.Write(":"u8);
            HeaderText.Write(output, header.Value, escaped);
            output.Write("\n"u8);
        }

        if (addLength)
        {
            output.Write(HeaderText.ContentLengthPrefix);
            var span = output.GetSpan(11);
            Utf8Formatter.TryFormat(frame.Body.Length, span, out var written);
            output.Advance(written);
            output.Write("\n"u8);
        }

        output.Write("\n"u8);
        output.Write(frame.Body.Span);
        output.Write("\0"u8);
    }

    /// <summary>Checks the frame before writing a byte of it; returns whether to add <c>content-length</c>.</summary>
    private static bool Validate(Frame frame, bool contentLength)
    {
        var declared = frame.Headers[StompHeaderNames.ContentLength];
        if (declared is not null)
        {
            if (declared != frame.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new StompProtocolException($"The frame declares content-length {declared} but its body has {frame.Body.Length} bytes.");
            }

            return false;
        }

        if (!frame.Command.CarriesBody())
        {
            return false;
        }

        if (!contentLength && frame.Body.Span.IndexOf((byte)0) >= 0)
        {
            throw new StompProtocolException("A body holding a NUL byte cannot be sent without content-length: the NUL would end the frame.");
        }

        return contentLength;
    }
}

using System.Buffers;
using System.Buffers.Text;

namespace Rx.Stomp.Frames;

/// <summary>
/// Writes STOMP frames as bytes, the inverse of <see cref="FrameReader"/> for one version. It allocates nothing:
/// the head (and a small body) goes into one span of the output, escaping included.
/// </summary>
/// <remarks>
/// Lines end in LF alone, which every version accepts. On SEND, MESSAGE and ERROR frames a
/// <c>content-length</c> header is added unless the caller turns it off (ActiveMQ turns messages with one into
/// bytes messages); a body holding NUL cannot be sent without it. What the version cannot carry is refused with a
/// <see cref="StompProtocolException"/> before anything is written.
/// </remarks>
public sealed class FrameWriter
{
    private const byte Lf = (byte)'\n';

    /// <summary>Bodies up to this size are written with the head, in one span of the output.</summary>
    private const int InlineBody = 4096;

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
        var command = frame.Command.ToWireBytes();
        Span<byte> digits = stackalloc byte[11];
        var digitCount = 0;
        if (addLength)
        {
            Utf8Formatter.TryFormat(frame.Body.Length, digits, out digitCount);
        }

        // Every check before the first byte: a refused frame must leave nothing half-written in the output. The same
        // pass measures the head, so that it is written into one span of the output: one reservation per frame.
        // Indexed, not foreach: the headers' enumerator is an interface, and boxing it would allocate per frame.
        var headers = frame.Headers;
        var headLength = command.Length + 2 + (addLength ? HeaderText.ContentLengthPrefix.Length + digitCount + 1 : 0);
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            HeaderText.Check(header.Key, escaped, Version, isName: true, frame.Command);
            HeaderText.Check(header.Value, escaped, Version, isName: false, frame.Command);
            headLength += HeaderText.EncodedLength(header.Key, escaped) + HeaderText.EncodedLength(header.Value, escaped) + 2;
        }

        // A small body goes into the same span, with the NUL; a large one is copied in the output's own chunks.
        var body = frame.Body.Span;
        var inline = body.Length <= InlineBody;
        var target = output.GetSpan(inline ? headLength + body.Length + 1 : headLength);
        command.CopyTo(target);
        var n = command.Length;
        target[n++] = Lf;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            n += HeaderText.Write(target[n..], header.Key, escaped);
            target[n++] = (byte)':';
            n += HeaderText.Write(target[n..], header.Value, escaped);
            target[n++] = Lf;
        }

        if (addLength)
        {
            HeaderText.ContentLengthPrefix.CopyTo(target[n..]);
            n += HeaderText.ContentLengthPrefix.Length;
            digits[..digitCount].CopyTo(target[n..]);
            n += digitCount;
            target[n++] = Lf;
        }

        target[n++] = Lf;
        if (inline)
        {
            body.CopyTo(target[n..]);
            n += body.Length;
            target[n++] = 0;
            output.Advance(n);
            return;
        }

        output.Advance(n);
        output.Write(body);
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

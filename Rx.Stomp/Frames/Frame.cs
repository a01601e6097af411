using System.Text;

namespace Rx.Stomp.Frames;

/// <summary>
/// One STOMP frame: a command, its headers and its body. Bodies are bytes and are never decoded unless asked
/// (<see cref="GetBodyText"/>). A heart-beat (a bare end-of-line between frames) is the frame
/// <see cref="Heartbeat"/>.
/// </summary>
public sealed class Frame
{
    /// <summary>The heart-beat pseudo-frame.</summary>
    public static Frame Heartbeat { get; } = new(StompCommand.Heartbeat, StompHeaders.Empty, ReadOnlyMemory<byte>.Empty);

    /// <summary>Creates a frame.</summary>
    /// <exception cref="ArgumentException">A body on a command that carries none.</exception>
    public Frame(StompCommand command, StompHeaders? headers = null, ReadOnlyMemory<byte> body = default)
    {
        if (!body.IsEmpty && !command.CarriesBody())
        {
            throw new ArgumentException($"A {command.ToWire()} frame carries no body: only SEND, MESSAGE and ERROR do.", nameof(body));
        }

        Command = command;
        Headers = headers ?? StompHeaders.Empty;
        Body = body;
    }

    /// <summary>The command.</summary>
    public StompCommand Command { get; }

    /// <summary>The headers, in wire order, unescaped.</summary>
    public StompHeaders Headers { get; }

    /// <summary>The body, byte-exact.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Whether this is a heart-beat rather than a frame.</summary>
    public bool IsHeartbeat => Command == StompCommand.Heartbeat;

    /// <summary>
    /// The body decoded as text: with <paramref name="encoding"/> if given, else with the <c>charset</c> of the
    /// <c>content-type</c> header, else UTF-8.
    /// </summary>
    public string GetBodyText(Encoding? encoding = null) =>
        (encoding ?? ContentTypeCharset.EncodingOf(Headers[StompHeaderNames.ContentType]) ?? Encoding.UTF8).GetString(Body.Span);

    /// <summary>A short description: command, headers (secrets redacted) and body length; never the body itself.</summary>
    public override string ToString() =>
        IsHeartbeat ? "<heart-beat>" : $"{Command.ToWire()} [{Headers.Count} headers, {Body.Length} bytes] {Headers.ToString().Replace('\n', ' ')}";
}

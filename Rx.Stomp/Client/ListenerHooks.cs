using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>
/// Where the listener registry plugs stomp.py's frame-changing callbacks into a client: before a MESSAGE becomes a
/// <see cref="StompMessage"/> (<see cref="Dispatcher"/>, on the reader) and before a frame is written
/// (<see cref="OutgoingFrames"/>, on the sending thread). Each hook that throws is reported and changes nothing.
/// </summary>
internal sealed class ListenerHooks
{
    private Func<Frame, Frame>? _beforeMessage;
    private IReadOnlyList<Func<Frame, Frame>> _beforeSend = [];

    /// <summary>stomp.py's <c>on_before_message</c>: the frame watches and <see cref="StompClient.Messages"/> get.</summary>
    public Func<Frame, Frame>? BeforeMessage
    {
        get => Volatile.Read(ref _beforeMessage);
        set => Volatile.Write(ref _beforeMessage, value);
    }

    /// <summary>Each listener's <c>OnBeforeSend</c>, in order, applied one by one after <see cref="StompClientOptions.BeforeSend"/>; replaced as a whole.</summary>
    public IReadOnlyList<Func<Frame, Frame>> BeforeSend
    {
        get => Volatile.Read(ref _beforeSend);
        set => Volatile.Write(ref _beforeSend, value ?? []);
    }
}

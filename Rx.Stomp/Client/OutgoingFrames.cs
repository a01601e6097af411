using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Client;

/// <summary>
/// What every frame goes through before a connection writes it: the interceptors that may change it
/// (<see cref="StompClientOptions.BeforeSend"/>, then the listeners' <c>OnBeforeSend</c>), the trace log, and
/// <see cref="StompClient.Sent"/> (one call at a time: senders run on any thread).
/// </summary>
/// <remarks>
/// An interceptor runs on the sending thread, outside any lock. One that throws, or returns a frame with another
/// command or another <c>receipt</c> header (the client waits for that receipt), is reported on
/// <see cref="StompClient.Errors"/>, and the frame goes on as it was before that interceptor.
/// </remarks>
internal sealed class OutgoingFrames
{
    private readonly ILogger _log;
    private readonly ErrorStream _errors;
    private readonly Func<Frame, Frame>? _beforeSend;
    private readonly Broadcast<Frame> _sent;
    private readonly ListenerHooks _hooks;
    private readonly Lock _gate = new();

    public OutgoingFrames(ILogger log, ErrorStream errors, Func<Frame, Frame>? beforeSend, ListenerHooks hooks)
    {
        _log = log;
        _errors = errors;
        _beforeSend = beforeSend;
        _hooks = hooks;
        _sent = new Broadcast<Frame>(errors.ReportObserverFault);
    }

    public IObservable<Frame> Sent => _sent;

    public Frame Prepare(Frame frame)
    {
        if (_beforeSend is not null)
        {
            frame = Intercept(_beforeSend, frame);
        }

        var listeners = _hooks.BeforeSend;
        for (var i = 0; i < listeners.Count; i++)
        {
            frame = Intercept(listeners[i], frame);
        }

        if (_log.IsEnabled(LogLevel.Trace))
        {
            Log.Sending(_log, frame);
        }

        if (_sent.HasObservers)
        {
            lock (_gate)
            {
                _sent.OnNext(frame);
            }
        }

        return frame;
    }

    public void Complete()
    {
        lock (_gate)
        {
            _sent.OnCompleted();
        }
    }

    private Frame Intercept(Func<Frame, Frame> interceptor, Frame frame)
    {
        Frame changed;
        try
        {
            changed = interceptor(frame) ?? frame;
        }
#pragma warning disable CA1031 // User code must not break a send: reported, and the frame goes on unchanged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _errors.ReportObserverFault(e);
            return frame;
        }

        if (changed.Command != frame.Command || changed.Headers[StompHeaderNames.Receipt] != frame.Headers[StompHeaderNames.Receipt])
        {
            _errors.ReportObserverFault(new InvalidOperationException(
                $"A frame interceptor may change a frame's headers and body, not its command nor its receipt header; the {frame.Command.ToWire()} goes on unchanged."));
            return frame;
        }

        return changed;
    }
}

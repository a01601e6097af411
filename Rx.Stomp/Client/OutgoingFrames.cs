using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;

namespace Rx.Stomp.Client;

/// <summary>
/// What every frame goes through before a connection writes it: the trace log, and <see cref="StompClient.Sent"/>
/// (one call at a time: senders run on any thread).
/// </summary>
internal sealed class OutgoingFrames
{
    private readonly ILogger _log;
    private readonly Broadcast<Frame> _sent;
    private readonly Lock _gate = new();

    public OutgoingFrames(ILogger log, ErrorStream errors)
    {
        _log = log;
        _sent = new Broadcast<Frame>(errors.ReportObserverFault);
    }

    public IObservable<Frame> Sent => _sent;

    public Frame Prepare(Frame frame)
    {
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
}

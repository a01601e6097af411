using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Client;

/// <summary>
/// The frames of every session, as one hot stream (<see cref="Frames"/>) from which the typed streams and the watch
/// router are derived: each is an observer of the inbound stream, called after the public <see cref="Frames"/>.
/// </summary>
/// <remarks>
/// Each session's reader calls in, one frame at a time in wire order. Public subscribers are wrapped by the client
/// (<see cref="SerializedDelivery{T}"/>), so that two readers never call one observer at once.
/// </remarks>
internal sealed class Dispatcher
{
    private readonly StompClient _client;
    private readonly StompClientOptions _options;
    private readonly ILogger _log;
    private readonly ErrorStream _errors;
    private readonly Watches _watches;
    private readonly Broadcast<Inbound> _inbound;
    private readonly Broadcast<Frame> _frames;
    private readonly Broadcast<StompMessage> _messages;
    private readonly Broadcast<Receipt> _receipts;
    private readonly Broadcast<HeartbeatReceived> _heartbeats;
    private readonly ListenerHooks _hooks;

    public Dispatcher(StompClient client, StompClientOptions options, ILogger log, ErrorStream errors, Watches watches, ListenerHooks hooks)
    {
        _hooks = hooks;
        _client = client;
        _options = options;
        _log = log;
        _errors = errors;
        _watches = watches;
        _inbound = new Broadcast<Inbound>(errors.ReportObserverFault);
        _frames = new Broadcast<Frame>(errors.ReportObserverFault);
        _messages = new Broadcast<StompMessage>(errors.ReportObserverFault);
        _receipts = new Broadcast<Receipt>(errors.ReportObserverFault);
        _heartbeats = new Broadcast<HeartbeatReceived>(errors.ReportObserverFault);
        _inbound.Subscribe(new FramesOf(_frames));
        _inbound.Subscribe(new Router(this));
    }

    public IObservable<Frame> Frames => _frames;

    public IObservable<StompMessage> Messages => _messages;

    public IObservable<Receipt> Receipts => _receipts;

    public IObservable<HeartbeatReceived> Heartbeats => _heartbeats;

    /// <summary>Takes the frames of <paramref name="session"/> in, until it ends.</summary>
    public void Attach(Session session) =>
        session.Frames.Subscribe(frame =>
        {
            if (_log.IsEnabled(LogLevel.Trace))
            {
                Log.Received(_log, frame);
            }

            _inbound.OnNext(new Inbound(session, frame));
        }, static _ => { });

    /// <summary>Completes every stream (each subscriber hears it after the call it is in, if any).</summary>
    public void Complete()
    {
        _frames.OnCompleted();
        _messages.OnCompleted();
        _receipts.OnCompleted();
        _heartbeats.OnCompleted();
    }

    private void Route(Session session, Frame frame)
    {
        switch (frame.Command)
        {
            case StompCommand.Heartbeat:
                _heartbeats.OnNext(new HeartbeatReceived(_options.Scheduler.Now));
                break;
            case StompCommand.Message:
                var message = new StompMessage(_client, _hooks.BeforeMessage is { } hook ? Intercept(hook, frame) : frame, session);
                if (StompTracing.IsOn)
                {
                    DeliverTraced(message, session);
                }
                else
                {
                    Deliver(message);
                }

                break;
            case StompCommand.Receipt:
                _receipts.OnNext(new Receipt(frame.Headers[StompHeaderNames.ReceiptId] ?? "", frame));
                break;
            case StompCommand.Error:
                var error = new StompErrorException(frame);
                Log.ErrorFrame(_log, error.Message);
                if (frame.Headers[StompHeaderNames.Subscription] is { } cancelled)
                {
                    // RabbitMQ's "Server cancelled subscription" (its queue was deleted): that watch will get nothing more.
                    _watches.Cancelled(cancelled, error);
                }

                _errors.Report(new StompError(StompErrorKind.ErrorFrame, error, frame));
                break;
        }
    }

    /// <summary>Hands a MESSAGE to its watch, then to <see cref="Messages"/>.</summary>
    private void Deliver(StompMessage message)
    {
        _watches.Deliver(message);
        _messages.OnNext(message);
    }

    /// <summary>Delivers inside the message's process span: the observers run in the producer's trace.</summary>
    private void DeliverTraced(StompMessage message, Session session)
    {
        using var activity = ProcessTracing.Start(message, session.Endpoint);
        Deliver(message);
    }

    private Frame Intercept(Func<Frame, Frame> hook, Frame frame)
    {
        try
        {
            return hook(frame) ?? frame;
        }
#pragma warning disable CA1031 // A listener's fault must not reach the reader: the message goes on unchanged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _errors.ReportObserverFault(e);
            return frame;
        }
    }

    /// <summary>A frame and the session it came from.</summary>
    private readonly record struct Inbound(Session Session, Frame Frame);

    /// <summary>The public <see cref="Frames"/>: the inbound frames without their session.</summary>
    private sealed class FramesOf(Broadcast<Frame> frames) : IObserver<Inbound>
    {
        public void OnNext(Inbound value) => frames.OnNext(value.Frame);

        public void OnError(Exception error) => frames.OnError(error);

        public void OnCompleted() => frames.OnCompleted();
    }

    /// <summary>The typed streams and the watches, derived from the inbound frames.</summary>
    private sealed class Router(Dispatcher dispatcher) : IObserver<Inbound>
    {
        public void OnNext(Inbound value) => dispatcher.Route(value.Session, value.Frame);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}

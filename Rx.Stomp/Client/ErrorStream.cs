using Microsoft.Extensions.Logging;
using Rx.Stomp.Diagnostics;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Client;

/// <summary>
/// The client's <see cref="StompClient.Errors"/>: faults reported from any thread (the readers, senders, timers)
/// reach its observers one call at a time, and a reporter never waits for them.
/// </summary>
internal sealed class ErrorStream
{
    private readonly ILogger _log;
    private readonly Broadcast<StompError> _errors;
    private readonly DeliveryGate _gate = new();

    public ErrorStream(ILogger log)
    {
        _log = log;
        // An observer of Errors that throws is only logged: reporting it on Errors could loop.
        _errors = new Broadcast<StompError>(OnErrorsObserverFault);
    }

    public IObservable<StompError> Stream => _errors;

    public void Report(StompError error) => _gate.Post(() => _errors.OnNext(error));

    public void Report(StompErrorKind kind, Exception exception) => Report(new StompError(kind, exception));

    /// <summary>An observer of another stream threw: logged and reported; the stream goes on.</summary>
    public void ReportObserverFault(Exception e)
    {
        StompTracing.ObserverFailed(e);
        Log.ObserverFault(_log, e);
        Report(StompErrorKind.Observer, e);
    }

    public void OnErrorsObserverFault(Exception e) => Log.ObserverFault(_log, e);

    public void Complete() => _gate.Post(_errors.OnCompleted);
}

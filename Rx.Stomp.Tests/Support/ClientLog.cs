using System.Reactive.Linq;
using Rx.Stomp.Client;

namespace Rx.Stomp.Tests.Support;

/// <summary>What a client went through during a run: the connections it opened, and the errors it reported.</summary>
internal sealed class ClientLog : IDisposable
{
    private const int Kept = 10;

    private readonly List<string> _firstErrors = [];
    private readonly IDisposable _states;
    private readonly IDisposable _errors;
    private int _connects;
    private int _errorCount;

    /// <summary>Starts listening to <paramref name="client"/>; a client already connected counts one connection.</summary>
    public ClientLog(StompClient client)
    {
        _states = client.State.Where(s => s.Kind == ConnectionStateKind.Connected).Subscribe(_ => Interlocked.Increment(ref _connects));
        _errors = client.Errors.Subscribe(error =>
        {
            lock (_firstErrors)
            {
                if (_firstErrors.Count < Kept)
                {
                    _firstErrors.Add(error.ToString());
                }
            }

            Interlocked.Increment(ref _errorCount);
        });
    }

    /// <summary>Connections opened again after the first.</summary>
    public int Reconnects => Math.Max(0, Volatile.Read(ref _connects) - 1);

    /// <summary>Errors reported on <see cref="StompClient.Errors"/>.</summary>
    public int Errors => Volatile.Read(ref _errorCount);

    /// <summary>The first few errors, as text.</summary>
    public IReadOnlyList<string> FirstErrors
    {
        get
        {
            lock (_firstErrors)
            {
                return [.. _firstErrors];
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _states.Dispose();
        _errors.Dispose();
    }
}

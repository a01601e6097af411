using System.Reactive.Disposables;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// <c>stats on</c>: counts what the client sends and receives from then on; <c>stats off</c> stops counting;
/// <c>stats</c> prints the counts.
/// </summary>
internal sealed class ShellStats : IDisposable
{
    private readonly StompClient _client;
    private IDisposable? _counting;
    private long _sent;
    private long _messages;
    private long _receipts;
    private long _errors;
    private long _heartbeats;
    private long _reconnections;

    public ShellStats(StompClient client) => _client = client;

    public bool IsOn => Volatile.Read(ref _counting) is not null;

    /// <summary>Starts counting from zero.</summary>
    public void On()
    {
        Off();
        _sent = _messages = _receipts = _errors = _heartbeats = _reconnections = 0;
        var frames = _client.Frames.Subscribe(Count);
        var reconnections = _client.State
            .Select(s => s.Kind)
            .DistinctUntilChanged()
            .Buffer(2, 1)
            .Where(pair => pair.Count == 2 && pair[0] != ConnectionStateKind.Connected && pair[1] == ConnectionStateKind.Connected)
            .Subscribe(_ => Interlocked.Increment(ref _reconnections));
        Volatile.Write(ref _counting, new CompositeDisposable(frames, reconnections));
    }

    public void Off() => Interlocked.Exchange(ref _counting, null)?.Dispose();

    /// <summary>Counts one message sent by the shell.</summary>
    public void Sent()
    {
        if (IsOn)
        {
            Interlocked.Increment(ref _sent);
        }
    }

    public override string ToString() =>
        $"Sent {Read(ref _sent)} message(s); received {Read(ref _messages)} message(s), {Read(ref _receipts)} receipt(s), "
        + $"{Read(ref _errors)} error(s), {Read(ref _heartbeats)} heart-beat(s); {Read(ref _reconnections)} reconnection(s).";

    private void Count(Frame frame)
    {
        switch (frame.Command)
        {
            case StompCommand.Message:
                Interlocked.Increment(ref _messages);
                break;
            case StompCommand.Receipt:
                Interlocked.Increment(ref _receipts);
                break;
            case StompCommand.Error:
                Interlocked.Increment(ref _errors);
                break;
            case StompCommand.Heartbeat:
                Interlocked.Increment(ref _heartbeats);
                break;
        }
    }

    private static long Read(ref long counter) => Interlocked.Read(ref counter);

    public void Dispose() => Off();
}

using System.Threading.Channels;
using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Demo;

/// <summary>One watch of a destination for the whole demo: it narrates each message and queues its body, in order, for the scenes to await.</summary>
internal sealed class Inbox : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Channel<string> _bodies = Channel.CreateUnbounded<string>();
    private readonly IDisposable _watch;

    public Inbox(StompClient client, string destination, Narrator narrator)
    {
        _watch = client.Watch(destination).Subscribe(
            m =>
            {
                var body = m.GetBodyText();
                narrator.Saw("watch received", $"'{body}'");
                _bodies.Writer.TryWrite(body);
            },
            e => _bodies.Writer.TryComplete(e));
    }

    /// <summary>The next body, within a few seconds.</summary>
    /// <exception cref="StompTimeoutException">Nothing arrived in time.</exception>
    public async Task<string> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _bodies.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(Patience, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new StompTimeoutException($"The demo's watch received nothing within {Patience.TotalSeconds} s.", e);
        }
    }

    public void Dispose() => _watch.Dispose();
}

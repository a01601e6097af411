using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary><see cref="Rx.Stomp.Client.StompClient.Sent"/> ends with its client: an observer is told, and is not left waiting.</summary>
public sealed class SentStreamTests
{
    [Test]
    public async Task Sent_completes_when_the_client_is_disposed()
    {
        await using var broker = new VirtualBroker();
        var (client, _) = await broker.ConnectAsync();
        var ended = client.Sent.IgnoreElements().Materialize().FirstAsync().ToTask();

        await client.DisposeAsync().AsTask().WaitAsync(StreamWaits.DefaultTimeout);

        Assert.That((await ended.WaitAsync(StreamWaits.DefaultTimeout)).Kind, Is.EqualTo(NotificationKind.OnCompleted));
    }
}

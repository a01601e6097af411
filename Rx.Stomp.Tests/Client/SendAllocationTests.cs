using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// What a SEND costs its caller beyond its frame: when the frame is handed to the connection at once, no task of its
/// own (a task per SEND would be an allocation per message on the hot path). How fast a SEND is stays in the benchmarks.
/// </summary>
public sealed class SendAllocationTests
{
    [Test]
    public async Task Sends_handed_to_the_connection_at_once_share_one_completed_task()
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        Assert.That(StompTracing.IsOn, Is.False, "with tracing on, each send has its span and its task");

        var first = client.SendAsync("/queue/a", "1");
        var second = client.SendAsync("/queue/a", "2");

        Assert.That(first.IsCompletedSuccessfully, Is.True, "handed to the connection at once");
        Assert.That(second, Is.SameAs(first), "no task allocated for either");
        Assert.That((await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("1"));
        Assert.That((await peer.ExpectAsync(StompCommand.Send).WaitAsync(StreamWaits.DefaultTimeout)).GetBodyText(), Is.EqualTo("2"));
    }
}

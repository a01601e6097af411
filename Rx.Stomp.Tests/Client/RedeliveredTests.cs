using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Testing;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// <see cref="StompMessage.Redelivered"/>: true when the broker marked the MESSAGE <c>redelivered:true</c>, in any
/// case, and false otherwise; read from a MESSAGE a raw peer delivers.
/// </summary>
public class RedeliveredTests
{
    [TestCase("true", true)]
    [TestCase("TRUE", true)]
    [TestCase("false", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public async Task A_message_is_redelivered_only_when_the_broker_says_true(string? redelivered, bool expected)
    {
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync();
        await using var _ = cleanup;
        var headers = StompHeaders.Create(("destination", "/queue/a"), ("message-id", "m-1"));
        var delivered = client.Messages.WhenAsync(_ => true);

        await peer.SendAsync(new Frame(StompCommand.Message, redelivered is null ? headers : headers.Add("redelivered", redelivered)));

        Assert.That((await delivered).Redelivered, Is.EqualTo(expected));
    }
}

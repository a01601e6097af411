using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Linq;
using Rx.Stomp.Samples.Bench.NullPeer;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// rxstomp's null peer (<see cref="NullPeerServer"/>), by a real client: the protocol of the shared bench's null
/// peer (CONNECTED, receipts, /source/N/B bursts, echoes to a subscribed destination, DISCONNECT).
/// </summary>
public sealed class NullPeerTests
{
    private static async Task<StompClient> ConnectAsync(NullPeerServer peer)
    {
        var client = new StompClient(new StompClientOptions { Endpoints = [new StompEndpoint("127.0.0.1", peer.Port)], ReceiptTimeout = StreamWaits.DefaultTimeout });
        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        return client;
    }

    [Test]
    public async Task It_answers_CONNECT_and_every_receipt_and_confirms_DISCONNECT()
    {
        using var peer = new NullPeerServer(0);
        await using var client = await ConnectAsync(peer);

        Assert.That(client.CurrentState.Server, Is.EqualTo("rxstomp-null-peer"));
        await client.SendAsync("/queue/counted", "x", new SendOptions { Receipt = true }).WaitAsync(StreamWaits.DefaultTimeout);
        var disconnected = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Disconnected);
        await client.DisconnectAsync();
        await disconnected;
    }

    [Test]
    public async Task A_source_subscription_gets_N_messages_of_B_bytes_and_a_subscribed_destination_gets_each_send_back()
    {
        using var peer = new NullPeerServer(0);
        await using var client = await ConnectAsync(peer);

        var burst = await client.Watch("/source/3/5").Take(3).ToList().ToTask().WaitAsync(StreamWaits.DefaultTimeout);
        var echoed = client.Watch("/queue/echo").FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout);
        await client.SendAsync("/queue/other", "not echoed", new SendOptions { Receipt = true });
        await client.SendAsync("/queue/echo", "ping");

        Assert.That(burst.Select(m => m.Text()), Is.EqualTo(new[] { "xxxxx", "xxxxx", "xxxxx" }));
        Assert.That(burst.Select(m => m.Destination).Distinct(), Is.EqualTo(new[] { "/source/3/5" }));
        Assert.That((await echoed).Text(), Is.EqualTo("ping"));
    }

    [Test]
    public async Task A_large_body_crosses_reads_whole()
    {
        using var peer = new NullPeerServer(0);
        await using var client = await ConnectAsync(peer);
        var body = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(body);
        var echoed = client.Watch("/queue/large").FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout);
        await client.SendAsync("/queue/nothing", "x", new SendOptions { Receipt = true });

        await client.SendAsync("/queue/large", body);

        Assert.That((await echoed).Body.ToArray(), Is.EqualTo(body));
    }
}

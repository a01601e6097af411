using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Reactive;

/// <summary>The table of <see cref="Handshake.NegotiateHeartbeat"/>: client cx,cy against server sx,sy.</summary>
public sealed class HeartbeatNegotiationTests
{
    private static Frame Connected(string? heartBeat) =>
        new(StompCommand.Connected, heartBeat is null ? StompHeaders.Empty : StompHeaders.Create(("heart-beat", heartBeat)));

    // cx, cy    | sx,sy        | version | send = cx<>0 && sy<>0 ? max(cx, sy) : 0 | receive = cy<>0 && sx<>0 ? max(cy, sx) : 0
    [TestCase(0, 0, "1000,1000", StompVersion.V12, 0, 0, TestName = "Client wants none")]
    [TestCase(1000, 1000, "0,0", StompVersion.V12, 0, 0, TestName = "Server wants none")]
    [TestCase(1000, 1000, null, StompVersion.V12, 0, 0, TestName = "No heart-beat header")]
    [TestCase(1000, 2000, "3000,500", StompVersion.V12, 1000, 3000, TestName = "Max rule in both directions")]
    [TestCase(5000, 5000, "1000,1000", StompVersion.V11, 5000, 5000, TestName = "Client slower than server")]
    [TestCase(1000, 0, "3000,3000", StompVersion.V12, 3000, 0, TestName = "Client sends only")]
    [TestCase(0, 1000, "3000,3000", StompVersion.V12, 0, 3000, TestName = "Client receives only")]
    [TestCase(1000, 1000, "0,5000", StompVersion.V12, 5000, 0, TestName = "Server sends none")]
    [TestCase(1000, 1000, "5000,0", StompVersion.V12, 0, 5000, TestName = "Server receives none")]
    [TestCase(1000, 1000, " 2000 , 3000 ", StompVersion.V12, 3000, 2000, TestName = "Spaces around numbers")]
    [TestCase(1000, 1000, "1000,1000", StompVersion.V10, 0, 0, TestName = "STOMP 1.0 has no heart-beats")]
    public void Negotiates(int cx, int cy, string? server, StompVersion version, int send, int receive)
    {
        var client = new HeartbeatIntervals(TimeSpan.FromMilliseconds(cx), TimeSpan.FromMilliseconds(cy));

        var negotiated = Handshake.NegotiateHeartbeat(client, version, Connected(server));

        Assert.That(negotiated, Is.EqualTo((TimeSpan.FromMilliseconds(send), TimeSpan.FromMilliseconds(receive))));
    }

    [TestCase("1000")]
    [TestCase("a,b")]
    [TestCase("-1,1000")]
    [TestCase("1000,1000,1000")]
    public void Rejects_a_malformed_server_header(string server) =>
        Assert.That(
            () => Handshake.NegotiateHeartbeat(new HeartbeatIntervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), StompVersion.V12, Connected(server)),
            Throws.InstanceOf<StompProtocolException>());
}

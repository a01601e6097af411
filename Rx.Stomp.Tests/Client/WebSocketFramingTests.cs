using System.Net.WebSockets;
using System.Text;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// STOMP over a WebSocket whose message boundaries a scripted server chooses: the client's reader must not care
/// where they fall, and each frame it sends must go out whole in one message.
/// </summary>
public class WebSocketFramingTests
{
    private static string Message(string body) => $"MESSAGE\ndestination:/queue/q\nmessage-id:{body}\nsubscription:s\n\n{body}\0";

    private static StompClient NewClient(RawWebSocketPeer peer, WebSocketTransportOptions transport) => new(new StompClientOptions
    {
        Endpoints = [peer.Endpoint],
        Transport = new WebSocketTransport(transport),
        Reconnect = BackoffPolicy.Connect with { MaxAttempts = 1 },
        ConnectRetry = BackoffPolicy.Connect with { MaxAttempts = 1 },
    });

    [Test]
    public async Task Several_frames_in_one_message_one_frame_across_several_and_bare_EOL_heartbeats_all_read_alike()
    {
        var peer = new RawWebSocketPeer();
        var client = NewClient(peer, new WebSocketTransportOptions { Headers = new Dictionary<string, string> { ["X-Tenant"] = "blue" } });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        var messages = client.Messages.TakeAsync(3);
        var heartbeats = client.Heartbeats.TakeAsync(2);
        var connecting = client.ConnectAsync();
        await peer.AcceptAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var connect = await peer.ReceiveFrameAsync().WaitAsync(StreamWaits.DefaultTimeout);
        Assert.Multiple(() =>
        {
            Assert.That(connect.Command, Is.EqualTo(StompCommand.Connect));
            Assert.That(peer.RequestLines[0], Is.EqualTo("GET /stomp HTTP/1.1"));
            Assert.That(peer.Header("Sec-WebSocket-Protocol"), Is.EqualTo("v12.stomp, v11.stomp, v10.stomp"));
            Assert.That(peer.Header("X-Tenant"), Is.EqualTo("blue"));
        });

        // CONNECTED and two MESSAGEs in one WebSocket message.
        await peer.SendAsync("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0" + Message("one") + Message("two"));
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);
        // One MESSAGE across three messages, cut inside a header and inside the body; then a fragmented one.
        var three = Message("three");
        await peer.SendAsync(three[..12]);
        await peer.SendAsync(three[12..^3]);
        await peer.SendAsync(three[^3..]);
        await peer.SendAsync("\n");
        await peer.SendAsync("\r\n");

        Assert.That((await messages.WaitAsync(StreamWaits.DefaultTimeout)).Select(m => m.GetBodyText()), Is.EqualTo(new[] { "one", "two", "three" }));
        Assert.That(await heartbeats.WaitAsync(StreamWaits.DefaultTimeout), Has.Count.EqualTo(2));
    }

    [TestCase(WebSocketMessageType.Binary)]
    [TestCase(WebSocketMessageType.Text)]
    public async Task Each_frame_sent_goes_out_whole_in_one_message_of_the_type_chosen(WebSocketMessageType type)
    {
        var peer = new RawWebSocketPeer();
        var client = NewClient(peer, new WebSocketTransportOptions { MessageType = type });
        await using var _ = RawPeer.ClosingFirst(peer, client);
        var connecting = client.ConnectAsync();
        await peer.AcceptAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await peer.ReceiveFrameAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync("CONNECTED\nversion:1.2\n\n\0");
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);

        var body = new string('x', 200_000);
        await client.SendAsync("/queue/q", body);
        var (received, payload) = await peer.ReceiveMessageAsync().WaitAsync(StreamWaits.DefaultTimeout);
        var bytes = new System.Buffers.ReadOnlySequence<byte>(payload);
        Assert.That(new FrameReader(StompVersion.V12).TryRead(ref bytes, out var frame), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(type));
            Assert.That(frame!.Command, Is.EqualTo(StompCommand.Send));
            Assert.That(Encoding.UTF8.GetString(frame.Body.Span), Is.EqualTo(body));
            Assert.That(bytes.IsEmpty, Is.True, "nothing but that frame in the message");
        });
    }

    [Test]
    public async Task A_server_closing_the_WebSocket_is_a_lost_connection_that_the_client_reports()
    {
        var peer = new RawWebSocketPeer();
        var client = NewClient(peer, new WebSocketTransportOptions());
        await using var _ = RawPeer.ClosingFirst(peer, client);
        var lost = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Connection);
        var connecting = client.ConnectAsync();
        await peer.AcceptAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await peer.ReceiveFrameAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await peer.SendAsync("CONNECTED\nversion:1.2\n\n\0");
        await connecting.WaitAsync(StreamWaits.DefaultTimeout);

        await peer.CloseAsync();
        var error = await lost.WaitAsync(StreamWaits.DefaultTimeout);
        Assert.That(error.Exception, Is.InstanceOf<StompConnectionException>());
        Assert.That(error.Message, Does.Contain("closed the connection"));
    }

    [Test]
    public void A_server_that_refuses_the_upgrade_is_a_connection_error_naming_it()
    {
        // A plain STOMP peer answers the HTTP upgrade request with nothing a WebSocket accepts.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                using var socket = await listener.AcceptSocketAsync();
                await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
            });
            using var client = new StompClient(new StompClientOptions
            {
                Endpoints = [new StompEndpoint("127.0.0.1", port) { Kind = StompTransportKind.WebSocket, Path = "/nope" }],
                ConnectRetry = BackoffPolicy.Connect with { MaxAttempts = 1 },
            });
            var error = Assert.ThrowsAsync<StompConnectionException>(() => client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout));
            Assert.That(error!.Message, Does.Contain("WebSocket handshake with ws://127.0.0.1:" + port + "/nope failed"));
        }
        finally
        {
            listener.Stop();
            listener.Dispose();
        }
    }
}

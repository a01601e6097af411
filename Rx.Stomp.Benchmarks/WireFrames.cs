using System.Buffers;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Benchmarks;

/// <summary>Frames as a broker would send them, encoded once for the readers to parse again and again.</summary>
internal static class WireFrames
{
    /// <summary>A MESSAGE like RabbitMQ's: destination, message-id, subscription, ack (1.2), content-length, body.</summary>
    public static Frame Message(StompVersion version, int bodySize, int sequence = 1, string subscription = "sub-1")
    {
        var headers = StompHeaders.Create(
            (StompHeaderNames.Destination, "/queue/bench"),
            (StompHeaderNames.MessageId, $"T_{subscription}@@session-Xf3q@@{sequence}"),
            (StompHeaderNames.Subscription, subscription));
        if (version == StompVersion.V12)
        {
            headers = headers.Add(StompHeaderNames.Ack, $"T_{subscription}@@session-Xf3q@@{sequence}");
        }

        return new Frame(StompCommand.Message, headers, Body(bodySize));
    }

    /// <summary>A SEND as the client writes one: destination and body.</summary>
    public static Frame Send(int bodySize) =>
        new(StompCommand.Send, StompHeaders.Create((StompHeaderNames.Destination, "/queue/bench")), Body(bodySize));

    /// <summary><paramref name="frames"/> encoded back to back, in one buffer.</summary>
    public static byte[] Encode(StompVersion version, IEnumerable<Frame> frames)
    {
        var writer = new FrameWriter(version);
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            writer.Write(output, frame);
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] Body(int size)
    {
        var body = new byte[size];
        body.AsSpan().Fill((byte)'x');
        return body;
    }
}

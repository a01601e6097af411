using Rx.Stomp.Frames;

namespace Rx.Stomp.Testing;

/// <summary>The frames a scripted broker answers with, built from what the client sent.</summary>
internal static class ScriptFrames
{
    /// <summary>CONNECTED for <paramref name="version"/>, with the broker's side of heart-beat negotiation (<c>sx,sy</c> in ms).</summary>
    public static Frame Connected(StompVersion version, string heartbeat) =>
        new(StompCommand.Connected, StompHeaders.Create(
            (StompHeaderNames.Version, version.ToWire()),
            (StompHeaderNames.Server, "scripted/1"),
            (StompHeaderNames.HeartBeat, heartbeat)));

    /// <summary>The RECEIPT that answers <paramref name="frame"/>'s <c>receipt</c> header.</summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> asked for no receipt.</exception>
    public static Frame ReceiptFor(Frame frame) =>
        new(StompCommand.Receipt, StompHeaders.Create((StompHeaderNames.ReceiptId, ReceiptOf(frame))));

    /// <summary>The <c>receipt</c> header of <paramref name="frame"/>.</summary>
    /// <exception cref="ArgumentException">It has none.</exception>
    public static string ReceiptOf(Frame frame) =>
        frame.Headers[StompHeaderNames.Receipt] ?? throw new ArgumentException($"{frame} asked for no receipt.", nameof(frame));
}

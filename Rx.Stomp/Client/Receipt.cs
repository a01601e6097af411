using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>A RECEIPT from the broker: everything sent before the frame that asked for it was processed.</summary>
/// <param name="Id">The <c>receipt-id</c>.</param>
/// <param name="Frame">The frame as received.</param>
public sealed record Receipt(string Id, Frame Frame);

using Rx.Stomp.Frames;

namespace Rx.Stomp.Client;

/// <summary>A RECEIPT asked for with a frame about to be written: its id, and the wait for it, bounded from the moment it was asked for.</summary>
internal sealed record PendingReceipt(ReceiptTracker.ReceiptWait Wait, Task<Frame> Answer)
{
    public string Id => Wait.Id;
}

using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Shell;

/// <summary>A subscription made with <c>subscribe</c>: its destination, the id the shell gave it, its ack mode, and the watch to dispose.</summary>
internal sealed record ShellSubscription(string Destination, string Id, AckMode Ack, IDisposable Watch);

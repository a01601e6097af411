namespace Rx.Stomp.Client;

/// <summary>A heart-beat (bare EOL) received from the broker.</summary>
/// <param name="Received">When it was read, on the client's scheduler clock.</param>
public readonly record struct HeartbeatReceived(DateTimeOffset Received);

namespace Rx.Stomp.Client;

/// <summary>What a send does while the client is (re)connecting.</summary>
public enum OfflineSends
{
    /// <summary>Wait in a bounded queue for the connection, for a bounded time; queued frames keep their order.</summary>
    Wait,

    /// <summary>Fail at once with <see cref="StompConnectionException"/>.</summary>
    Fail,
}

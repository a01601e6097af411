namespace Rx.Stomp.Client;

/// <summary>What follows a session of <paramref name="client"/> opening or ending: the watches and the frames that waited.</summary>
internal sealed class Resumption(StompClient client) : ISessionEvents
{
    public void Opened(Session session) => client.Outbox.BeginDrain();

    public async Task ResumeAsync(Session session)
    {
        // SUBSCRIBEs go out before the frames that waited, which keep their order.
        await client.Watches.ResubscribeAsync(session).ConfigureAwait(false);
        await client.Outbox.DrainAsync(session).ConfigureAwait(false);
    }

    public void GoOffline(Session session) => client.Outbox.GoOffline();

    public void Lost(Session session) => client.Watches.Lost();

    public void GaveUp(Exception error)
    {
        client.Outbox.FailAll(error);
        client.Watches.FailAll(error);
    }
}

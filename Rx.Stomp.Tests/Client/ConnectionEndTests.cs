using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// How a connection's end reaches what waits on it: a connect ends at once when the broker closes before CONNECTED or
/// answers with a CONNECTED it cannot read, not at <see cref="StompClientOptions.ConnectTimeout"/>; a RECEIPT awaited
/// when this side closes fails saying so. The client's clock is virtual and never moved: only the end can settle them.
/// </summary>
public class ConnectionEndTests
{
    private static StompClientOptions Options(VirtualBroker broker) => broker.Options with
    {
        ConnectTimeout = TimeSpan.FromHours(1),
        ReceiptTimeout = TimeSpan.FromHours(1),
        DisconnectTimeout = TimeSpan.FromHours(1),
    };

    [Test]
    public async Task A_broker_closing_before_CONNECTED_fails_the_connect_at_once_saying_so()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(_ => Options(broker));
        var connecting = client.ConnectAsync();
        var connection = await broker.Transport.AcceptAsync();
        await connection.ExpectAsync(StompCommand.Connect);

        connection.Close();

        var refused = Assert.ThrowsAsync<StompConnectionException>(() => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.Message, Is.EqualTo($"The broker at {connection.Endpoint} closed the connection."));
    }

    [Test]
    public async Task A_CONNECTED_whose_heart_beat_header_cannot_be_read_fails_the_connect_at_once_as_a_protocol_error()
    {
        await using var broker = new VirtualBroker();
        var client = broker.Client(_ => Options(broker));
        var connecting = client.ConnectAsync();
        var connection = await broker.Transport.AcceptAsync();
        await connection.ExpectAsync(StompCommand.Connect);

        await connection.SendAsync(new Frame(StompCommand.Connected, StompHeaders.Create(("version", "1.2"), ("heart-beat", "often"))));

        var refused = Assert.ThrowsAsync(Is.InstanceOf<StompException>(), () => connecting.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(refused!.ToString(), Does.Contain("The server's heart-beat header 'often' is not two non-negative integers."));
    }

    [Test]
    public async Task A_RECEIPT_awaited_when_this_side_closes_fails_saying_the_connection_was_closed_before_it()
    {
        await using var broker = new VirtualBroker();
        var (client, connection) = await broker.ConnectAsync(_ => Options(broker));
        var sending = client.SendAsync("/queue/end", "unanswered", new SendOptions { Receipt = true });
        await connection.ExpectAsync(StompCommand.Send);

        // The DISCONNECT's RECEIPT comes (the scripted broker answers it), the SEND's never does.
        await client.DisconnectAsync().WaitAsync(StreamWaits.DefaultTimeout);

        var failed = Assert.ThrowsAsync<StompConnectionException>(() => sending.WaitAsync(StreamWaits.DefaultTimeout));
        Assert.That(failed!.Message, Is.EqualTo("The connection was closed before the RECEIPT."));
    }
}

using System.ComponentModel;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Send;

/// <summary><c>rxstomp send</c>: one SEND (or --count of them), each optionally confirmed by a RECEIPT.</summary>
[Description("Send a message (--count times). " + ExitCodes.Help)]
internal sealed class SendCommand : ClientCommand<SendSettings>
{
    protected override async Task<int> RunAsync(SendSettings settings, StompClientOptions options, CancellationToken cancellationToken)
    {
        var send = new SendOptions
        {
            Headers = settings.ParseHeaders(),
            Receipt = settings.Receipt,
            ContentLength = !settings.NoContentLength,
        };
        var count = settings.ParseCount();
        var body = await settings.ReadBodyAsync(cancellationToken);

        await using var client = new StompClient(options);
        await client.ConnectAsync(cancellationToken);

        // An ERROR frame fails the send: RabbitMQ's lacks the receipt-id that would tie it to the SEND's receipt, and
        // without --receipt it is the only sign of a refusal (it comes before the DISCONNECT receipt).
        StompError? refusal = null;
        using var refused = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var errors = client.Errors.Where(e => e.Kind == StompErrorKind.ErrorFrame).Subscribe(e =>
        {
            refusal ??= e;
            refused.Cancel();
        });
        try
        {
            await SendProgress.RunAsync(count, _ => client.SendAsync(settings.Destination, body, send, refused.Token), refused.Token);
            await client.DisconnectAsync(refused.Token);
        }
        catch (OperationCanceledException) when (refusal is not null)
        {
            throw refusal.Exception;
        }

        return refusal is null ? ExitCodes.Success : throw refusal.Exception;
    }
}

using System.Globalization;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// At-least-once messaging the way an application does it over faults: a producer that sends each numbered message
/// with a receipt until one comes back, and a consumer with <c>client-individual</c> acks that records every
/// delivery in a <see cref="DeliveryLedger"/>. Each send carries its attempt number, so the ledger can tell a broker
/// redelivery from a producer resend.
/// </summary>
internal static class AtLeastOnce
{
    /// <summary>The header that numbers the sends of one message.</summary>
    public const string AttemptHeader = "rxstomp-attempt";

    /// <summary>
    /// Sends messages 0 to <paramref name="total"/> − 1, <paramref name="concurrency"/> at a time (1: in order),
    /// each until receipted. Returns how many sends had to be repeated (each a possible duplicate).
    /// </summary>
    public static async Task<int> SendAllAsync(StompClient producer, string destination, int total, int concurrency = 1, bool persistent = true)
    {
        var next = -1;
        var resent = 0;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var id = Interlocked.Increment(ref next); id < total; id = Interlocked.Increment(ref next))
            {
                Interlocked.Add(ref resent, await SendUntilReceiptedAsync(producer, destination, id, persistent).ConfigureAwait(false));
            }
        }));
        await Task.WhenAll(workers).ConfigureAwait(false);
        return resent;
    }

    /// <summary>Watches <paramref name="destination"/> with <c>client-individual</c> acks, records each delivery and acknowledges it.</summary>
    public static IDisposable Consume(StompClient consumer, string destination, DeliveryLedger ledger, int prefetch = 500) =>
        consumer.Watch(destination, new SubscribeOptions
        {
            Ack = AckMode.ClientIndividual,
            Headers = StompHeaders.Create(("prefetch-count", prefetch.ToString(CultureInfo.InvariantCulture))),
        }).Subscribe(message =>
        {
            var id = int.Parse(message.GetBodyText(), CultureInfo.InvariantCulture);
            var attempt = int.Parse(message.Headers[AttemptHeader] ?? "0", CultureInfo.InvariantCulture);
            ledger.Record(id, attempt, message.Redelivered);
            _ = AckQuietlyAsync(message);
        });

    /// <summary>Sends until the broker confirms; returns how many times it had to send again.</summary>
    private static async Task<int> SendUntilReceiptedAsync(StompClient producer, string destination, int id, bool persistent)
    {
        var body = id.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 0; ; attempt++)
        {
            var headers = StompHeaders.Create((AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture)));
            try
            {
                await producer.SendAsync(destination, body, new SendOptions
                {
                    Receipt = true,
                    Headers = persistent ? headers.Add("persistent", "true") : headers,
                }).ConfigureAwait(false);
                return attempt;
            }
            catch (StompException) when (attempt < 100)
            {
                // Lost with its connection, refused by a broker shutting down, or timed out: send it again.
            }
        }
    }

    /// <summary>An ACK can be lost with its connection; the broker then redelivers, which the ledger counts.</summary>
    private static async Task AckQuietlyAsync(StompMessage message)
    {
        try
        {
            await message.AckAsync().ConfigureAwait(false);
        }
        catch (StompException)
        {
        }
    }
}

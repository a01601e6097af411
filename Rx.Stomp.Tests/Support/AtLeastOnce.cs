using System.Globalization;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Linq;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// At-least-once messaging the way an application does it over faults: a producer that sends each numbered message
/// with a receipt until one comes back, and a consumer with <c>client-individual</c> acks that records every
/// delivery in a <see cref="DeliveryLedger"/>. Each send carries the message's number and its attempt number, so the
/// ledger can tell a broker redelivery from a producer resend, and <see cref="Deduplication.DropDuplicates"/> can key on
/// the number.
/// </summary>
internal static class AtLeastOnce
{
    /// <summary>The header that numbers the sends of one message.</summary>
    public const string AttemptHeader = "rxstomp-attempt";

    /// <summary>The header that carries the message's number, the same on every send of it: what an application keys on.</summary>
    public const string IdHeader = "rxstomp-id";

    /// <summary>
    /// Sends messages 0 to <paramref name="total"/> − 1, <paramref name="concurrency"/> at a time (1: in order),
    /// each until receipted. Returns how many sends had to be repeated (each a possible duplicate).
    /// </summary>
    public static Task<int> SendAllAsync(StompClient producer, string destination, int total, int concurrency = 1, bool persistent = true) =>
        SendRangeAsync(producer, destination, 0, total, concurrency, persistent ? StompHeaders.Create(("persistent", "true")) : StompHeaders.Empty);

    /// <summary>
    /// Sends messages <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 with
    /// <paramref name="headers"/>, <paramref name="concurrency"/> at a time, each until receipted. Returns how many sends
    /// had to be repeated.
    /// </summary>
    public static async Task<int> SendRangeAsync(StompClient producer, string destination, int first, int count, int concurrency, StompHeaders headers)
    {
        var next = first - 1;
        var end = first + count;
        var resent = 0;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var id = Interlocked.Increment(ref next); id < end; id = Interlocked.Increment(ref next))
            {
                Interlocked.Add(ref resent, await SendUntilReceiptedAsync(producer, destination, id, headers).ConfigureAwait(false));
            }
        }));
        await Task.WhenAll(workers).ConfigureAwait(false);
        return resent;
    }

    /// <summary>Watches <paramref name="destination"/> with <c>client-individual</c> acks, records each delivery and acknowledges it.</summary>
    public static IDisposable Consume(StompClient consumer, string destination, DeliveryLedger ledger, int prefetch = 500) =>
        Watch(consumer, destination, prefetch, StompHeaders.Empty).Subscribe(message =>
        {
            Record(ledger, message);
            _ = AckQuietlyAsync(message);
        });

    /// <summary>
    /// As <see cref="Consume"/>, with the application behind <see cref="Deduplication.DropDuplicates"/>: every delivery is
    /// recorded in <paramref name="wire"/>, what the filter lets through in <paramref name="application"/>; the filter
    /// acknowledges what it drops.
    /// </summary>
    public static IDisposable ConsumeOnce(StompClient consumer, string destination, DeliveryLedger wire, DuplicateFilter filter, DeliveryLedger application,
        StompHeaders? headers = null, int prefetch = 500) =>
        Watch(consumer, destination, prefetch, headers ?? StompHeaders.Empty)
            .Do(message => Record(wire, message))
            .DropDuplicates(message => message.Headers[IdHeader], filter)
            .Subscribe(message =>
            {
                Record(application, message);
                _ = AckQuietlyAsync(message);
            });

    private static IObservable<StompMessage> Watch(StompClient consumer, string destination, int prefetch, StompHeaders headers) =>
        consumer.Watch(destination, new SubscribeOptions
        {
            Ack = AckMode.ClientIndividual,
            Headers = StompHeaders.Create(("prefetch-count", prefetch.ToString(CultureInfo.InvariantCulture))).Concat(headers),
        });

    private static void Record(DeliveryLedger ledger, StompMessage message) => ledger.Record(
        int.Parse(message.GetBodyText(), CultureInfo.InvariantCulture),
        int.Parse(message.Headers[AttemptHeader] ?? "0", CultureInfo.InvariantCulture),
        message.Redelivered);

    /// <summary>Sends until the broker confirms; returns how many times it had to send again.</summary>
    private static async Task<int> SendUntilReceiptedAsync(StompClient producer, string destination, int id, StompHeaders extra)
    {
        var body = id.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 0; ; attempt++)
        {
            var headers = StompHeaders.Create((IdHeader, body), (AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture))).Concat(extra);
            try
            {
                await producer.SendAsync(destination, body, new SendOptions
                {
                    Receipt = true,
                    Headers = headers,
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

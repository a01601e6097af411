using System.Collections.Concurrent;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Brokers;

/// <summary>
/// Real faults on the real RabbitMQ while messages flow: every connection killed, and the broker application
/// stopped and started again. Both clients heal by themselves; with client-individual acks and a producer that
/// resends what was not receipted, every message arrives at least once. Duplicates are counted and printed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RabbitMqFaultTests
{
    private const int Total = 10_000;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly Broker _broker = Broker.RabbitMq;

    [OneTimeSetUp]
    public Task RequireBroker() => _broker.RequireAsync();

    [TestCase("close_all_connections")]
    [TestCase("stop_app", "start_app")]
    public async Task No_message_is_lost_when_the_broker_does(params string[] fault)
    {
        var queue = $"rxstomp.fault.{Guid.NewGuid():N}";
        var options = _broker.Options() with
        {
            Reconnect = new BackoffPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = BackoffPolicy.Unlimited },
            OfflineTimeout = Limit,
        };
        await using var consumer = new StompClient(options);
        await using var producer = new StompClient(options);
        await consumer.ConnectAsync();
        await producer.ConnectAsync();

        var seen = new ConcurrentDictionary<int, int>();
        var duplicates = 0;
        var marked = 0;
        var third = new TaskCompletionSource();
        var all = new TaskCompletionSource();
        using var watch = consumer.Watch("/queue/" + queue, new SubscribeOptions
        {
            Ack = AckMode.ClientIndividual,
            Headers = StompHeaders.Create(("prefetch-count", "500")),
        }).Subscribe(m =>
        {
            var id = int.Parse(m.GetBodyText(), System.Globalization.CultureInfo.InvariantCulture);
            if (seen.AddOrUpdate(id, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref duplicates);
                if (m.Redelivered)
                {
                    Interlocked.Increment(ref marked);
                }
            }

            if (seen.Count >= Total / 3)
            {
                third.TrySetResult();
            }

            if (seen.Count == Total)
            {
                all.TrySetResult();
            }

            _ = AckQuietlyAsync(m);
        });

        var sending = Task.Run(async () =>
        {
            var resent = 0;
            for (var i = 0; i < Total; i++)
            {
                resent += await SendUntilReceiptedAsync(producer, "/queue/" + queue, i);
            }

            return resent;
        });

        await third.Task.WaitAsync(Limit);
        foreach (var step in fault)
        {
            await RabbitMqCtl.RunAsync(step == "close_all_connections" ? [step, "rxstomp fault test"] : [step]);
        }

        var resends = await sending.WaitAsync(Limit);
        await all.Task.WaitAsync(Limit);
        TestContext.Out.WriteLine(
            $"{string.Join('+', fault)}: {Total} messages, {resends} resent after a lost receipt, {seen.Count} received, " +
            $"{duplicates} duplicates ({marked} of them marked redelivered), 0 lost");
        Assert.That(seen.Keys.Order(), Is.EqualTo(Enumerable.Range(0, Total)));
        await RabbitMqCtl.RunAsync("delete_queue", queue);
    }

    /// <summary>Sends until the broker confirms; returns how many times it had to send again (each a possible duplicate).</summary>
    private static async Task<int> SendUntilReceiptedAsync(StompClient producer, string destination, int id)
    {
        var options = new SendOptions { Receipt = true, Headers = StompHeaders.Create(("persistent", "true")) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await producer.SendAsync(destination, id.ToString(System.Globalization.CultureInfo.InvariantCulture), options);
                return attempt;
            }
            catch (StompException) when (attempt < 100)
            {
                // Lost with its connection, refused by a broker shutting down, or timed out: send it again.
            }
        }
    }

    /// <summary>An ACK can be lost with its connection; the broker then redelivers, which the test counts.</summary>
    private static async Task AckQuietlyAsync(StompMessage message)
    {
        try
        {
            await message.AckAsync();
        }
        catch (StompException)
        {
        }
    }
}

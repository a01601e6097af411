using System.ComponentModel;
using System.Reactive.Linq;
using System.Threading.Channels;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Listen;

/// <summary><c>rxstomp listen</c>: subscribes and prints messages until --count, Ctrl+C, a failure or --timeout.</summary>
[Description("Subscribe to a destination and print its messages. " + ExitCodes.Help)]
internal sealed class ListenCommand : ClientCommand<ListenSettings>
{
    protected override async Task<int> RunAsync(ListenSettings settings, StompClientOptions options, CancellationToken cancellationToken)
    {
        var count = settings.ParseCount();
        var timeout = settings.ParseTimeout();
        var ack = settings.ParseAck();
        IMessagePrinter printer = settings.Json ? new JsonMessagePrinter(Console.OpenStandardOutput()) : new TextMessagePrinter(Console.Out);
        var inbox = Channel.CreateUnbounded<StompMessage>(new UnboundedChannelOptions { SingleReader = true });

        // The limit bounds the whole run, connection attempts included, whatever the peer does.
        using var deadline = new RunDeadline(timeout, cancellationToken);
        var client = new StompClient(options);
        var received = 0;
        try
        {
            await client.ConnectAsync(deadline.Token);
            // A lost connection is reported and healed by the client; listen ends only when the watch does (a refused
            // SUBSCRIBE, or the client giving up), so it goes on printing across reconnects.
            using var drops = client.State
                .Where(s => s.Kind is ConnectionStateKind.Reconnecting or ConnectionStateKind.Connected)
                .Skip(1)
                .Subscribe(s => Console.Error.WriteLine(s.Kind == ConnectionStateKind.Connected ? $"reconnected: {s}" : $"connection lost: {s}"));

            // Nothing else asks for a receipt before it, so the first RECEIPT answers the watch's SUBSCRIBE: from then on
            // the subscription is live, and a sender may go ahead.
            using var listening = client.Receipts.Take(1).Subscribe(_ => Console.Error.WriteLine($"listening on {settings.Destination}"));
            using var watch = client.Watch(settings.Destination, new SubscribeOptions { Ack = ack }).Subscribe(
                m => inbox.Writer.TryWrite(m),
                e => inbox.Writer.TryComplete(e),
                () => inbox.Writer.TryComplete(new StompConnectionException("The subscription ended.")));
            try
            {
                while (received < (count ?? int.MaxValue))
                {
                    var message = await inbox.Reader.ReadAsync(deadline.Token);
                    printer.Print(message);
                    if (ack != AckMode.Auto)
                    {
                        await message.AckAsync(cancellationToken: deadline.Token);
                    }

                    if (++received == 1 && count is null)
                    {
                        deadline.Lift();
                    }
                }
            }
            catch (OperationCanceledException) when (!deadline.Expired)
            {
                // Ctrl+C: leave cleanly, below.
            }

            watch.Dispose();
            // After Ctrl+C too, but within the limit.
            await client.DisconnectAsync(deadline.LimitToken);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            throw new StompTimeoutException(!client.IsConnected && received == 0
                ? $"Timed out after {timeout?.TotalSeconds} s without a connection: {client.CurrentState}."
                : count is null
                ? $"Timed out after {timeout?.TotalSeconds} s: no message on {settings.Destination}."
                : $"Timed out after {timeout?.TotalSeconds} s: {received} of {count} message(s) on {settings.Destination}.");
        }
        catch (ChannelClosedException e) when (e.InnerException is { } reason)
        {
            throw reason is StompException ? reason : new StompConnectionException(reason.Message, reason);
        }
        finally
        {
            await deadline.CloseAsync(client);
        }

        return ExitCodes.Success;
    }
}

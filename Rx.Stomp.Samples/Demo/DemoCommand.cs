using System.ComponentModel;
using System.Reactive.Linq;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Demo;

/// <summary>With no command: a narrated tour of the client against the broker of the connection options.</summary>
[Description("With no command: a short narrated demo against the broker (default localhost:61613, guest/guest). " + ExitCodes.Help)]
internal sealed class DemoCommand : ClientCommand<ConnectionSettings>
{
    protected override async Task<int> RunAsync(ConnectionSettings settings, StompClientOptions options, CancellationToken cancellationToken)
    {
        options = options with { Login = options.Login ?? "guest", Passcode = options.Passcode ?? "guest" };
        await using var client = new StompClient(options);
        using var states = client.State.Subscribe(s => Say($"state: {s}"));

        Say("Connecting: CONNECT goes out, ConnectAsync completes on CONNECTED.");
        await client.ConnectAsync(cancellationToken);

        const string queue = "/queue/rxstomp.demo";
        var run = Guid.NewGuid().ToString("N")[..8];
        Say($"Watching {queue}: Watch() is a cold observable; Subscribe() sends SUBSCRIBE, Dispose() UNSUBSCRIBE.");
        Say("The query keeps this run's urgent messages (Where) and shouts them (Select).");
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var urgent = client.Watch(queue)
            .Where(m => m.Headers["demo-run"] == run && m.Headers["urgency"] == "urgent")
            .Select(m => m.GetBodyText().ToUpperInvariant())
            .Take(2)
            .Subscribe(text => Say($"  urgent: {text}"), e => seen.TrySetException(e), () => seen.TrySetResult());

        foreach (var (text, urgency) in new[] { ("coffee is ready", "low"), ("the build is red", "urgent"), ("lunch?", "low") })
        {
            await client.SendAsync(queue, text, Tagged(run, urgency), cancellationToken);
            Say($"Sent '{text}' ({urgency}); the broker's RECEIPT confirmed it.");
        }

        Say("A transaction: its SEND takes effect at COMMIT.");
        await using (var transaction = await client.BeginTransactionAsync(cancellationToken: cancellationToken))
        {
            await transaction.SendAsync(queue, "the release is blocked", Tagged(run, "urgent") with { Receipt = false }, cancellationToken);
            Say("  sent inside the transaction; committing.");
            await transaction.CommitAsync(cancellationToken: cancellationToken);
        }

        await seen.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        Say("Both urgent messages arrived; disconnecting (DISCONNECT waits for its RECEIPT).");
        await client.DisconnectAsync(cancellationToken);
        return ExitCodes.Success;
    }

    private static SendOptions Tagged(string run, string urgency) =>
        new() { Receipt = true, Headers = StompHeaders.Create(("demo-run", run), ("urgency", urgency)) };

    private static void Say(string line) => Console.WriteLine(line);
}

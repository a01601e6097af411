using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Listeners;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Listeners;

/// <summary>stomp.py's PrintingListener as an ILogger listener; and stomp.py's <c>encoding</c> option.</summary>
public class LoggingListenerTests
{
    /// <summary>An ILogger that keeps every line it is given.</summary>
    private sealed class LinesLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, formatter(state, exception)));
    }

    [Test]
    public async Task Every_callback_is_one_log_line_and_the_passcode_never_shows()
    {
        await using var broker = await StompBroker.StartAsync();
        var logger = new LinesLogger();
        var client = new StompClient(Embedded.Options(broker) with { Login = "user", Passcode = "Sekrit-99" });
        client.SetListener("print", new LoggingListener(logger));

        await client.ConnectAsync().WaitAsync(StreamWaits.DefaultTimeout);
        await client.SendAsync("/queue/p", "x", new SendOptions { Receipt = true });
        var disconnected = client.State.WhenAsync(s => s.Kind == ConnectionStateKind.Disconnected);
        await client.DisconnectAsync();
        await disconnected;
        await client.DisposeAsync();

        var texts = logger.Lines.Select(l => l.Text).ToList();
        Assert.That(texts.Select(t => t.Split(' ')[0]).Distinct(), Is.SupersetOf(new[]
        {
            "on_connecting", "on_send", "on_connected", "on_receipt", "on_disconnecting", "on_disconnected", "on_receiver_loop_completed",
        }));
        Assert.That(string.Join('\n', texts), Does.Not.Contain("Sekrit-99"));
    }

    [Test]
    public async Task Text_sends_use_the_options_text_encoding()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker, o => o with { TextEncoding = Encoding.Latin1 });
        var inbox = new System.Reactive.Subjects.ReplaySubject<StompMessage>();
        using var watch = await broker.SubscribedAsync("/queue/enc", client.Watch("/queue/enc"), inbox);

        await client.SendAsync("/queue/enc", "é", new SendOptions { ContentType = "text/plain;charset=iso-8859-1" });

        var message = await inbox.WhenAsync(_ => true);
        Assert.That(message.Body.ToArray(), Is.EqualTo(new byte[] { 0xE9 }));
        Assert.That(message.GetBodyText(), Is.EqualTo("é"));
    }
}

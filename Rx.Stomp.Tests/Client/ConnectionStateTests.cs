using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>The text of each <see cref="ConnectionState"/>, as a status line shows it.</summary>
public class ConnectionStateTests
{
    private static readonly StompEndpoint Broker = new("broker", 61613);
    private static readonly Exception Gone = new StompConnectionException("gone");

    public static IEnumerable<TestCaseData> States()
    {
        yield return Row(new(ConnectionStateKind.Connected, Broker, StompVersion.V12, Server: "Example/1"), "Connected to broker:61613 (STOMP 1.2, server Example/1)");
        yield return Row(new(ConnectionStateKind.Connected, Broker, StompVersion.V11), "Connected to broker:61613 (STOMP 1.1, server ?)");
        yield return Row(new(ConnectionStateKind.Connecting, Broker), "Connecting to broker:61613");
        yield return Row(new(ConnectionStateKind.Reconnecting, Error: Gone), "Reconnecting after: gone");
        yield return Row(new(ConnectionStateKind.Reconnecting, Attempt: 1, NextDelay: TimeSpan.Zero, Error: Gone), "Reconnecting (attempt 1, now) after: gone");
        yield return Row(new(ConnectionStateKind.Reconnecting, Attempt: 2, NextDelay: TimeSpan.FromSeconds(4), Error: Gone), "Reconnecting (attempt 2, in 4 s) after: gone");
        yield return Row(new(ConnectionStateKind.Faulted, Error: Gone), "Faulted: gone");
        yield return Row(ConnectionState.Initial, "Disconnected");
        yield return Row(new(ConnectionStateKind.Disposed), "Disposed");
    }

    [TestCaseSource(nameof(States))]
    public void Each_state_reads_as_a_status_line(ConnectionState state, string text) =>
        Assert.That(state.ToString(), Is.EqualTo(text));

    [Test]
    [SetCulture("de-DE")]
    public void A_reconnect_delay_reads_the_same_in_any_culture() =>
        Assert.That(new ConnectionState(ConnectionStateKind.Reconnecting, Attempt: 2, NextDelay: TimeSpan.FromSeconds(1.5), Error: Gone).ToString(),
            Is.EqualTo("Reconnecting (attempt 2, in 1.5 s) after: gone"));

    private static TestCaseData Row(ConnectionState state, string text) => new TestCaseData(state, text).SetArgDisplayNames(text);
}

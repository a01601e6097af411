using Rx.Stomp.Testing;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// What goes wrong reaches the log as well as <see cref="StompClient.Errors"/>, for an application that only logs:
/// the broker's ERROR as a warning with its text, an observer's fault as an error with its exception.
/// </summary>
public sealed class WarningAndErrorLogTests
{
    [Test]
    public async Task An_ERROR_from_the_broker_is_logged_as_a_warning_with_its_message()
    {
        using var log = new CapturingLoggerFactory();
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(o => o with { LoggerFactory = log });
        await using var _ = cleanup;
        var reported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.ErrorFrame);

        await peer.SendAsync(new Frame(StompCommand.Error, StompHeaders.Create(("message", "queue full"))));

        var error = await reported;
        Assert.That(error.Exception.Message, Does.Contain("queue full"));
        Assert.That(log.Text, Does.Contain($"Warning {error.Exception.Message}"));
    }

    [Test]
    public async Task An_observer_that_throws_is_logged_as_an_error_with_its_exception()
    {
        using var log = new CapturingLoggerFactory();
        var (peer, client, cleanup) = await RawPeer.ConnectedAsync(o => o with { LoggerFactory = log });
        await using var _ = cleanup;
        var reported = client.Errors.WhenAsync(e => e.Kind == StompErrorKind.Observer);
        using var throwing = client.Sent.Subscribe(_ => throw new InvalidOperationException("observer fault"));

        await client.SendAsync("/queue/a", "x");

        await reported;
        Assert.That(log.Text, Does.Contain("Error An observer threw; the client goes on System.InvalidOperationException: observer fault"));
    }
}

using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// The client's public methods refuse what cannot work before doing anything: a missing argument by its name, any call
/// on a disposed client with <see cref="ObjectDisposedException"/>, and a CONNECT handed to <c>SendFrameAsync</c>.
/// </summary>
public class PublicApiGuardTests
{
    private static readonly Frame Send = new(StompCommand.Send, StompHeaders.Create(("destination", "/queue/guard")));

    private static IEnumerable<TestCaseData> CallsOnADisposedClient()
    {
        yield return Case("ConnectAsync", c => c.ConnectAsync());
        yield return Case("SendAsync(bytes)", c => c.SendAsync("/queue/guard", new byte[] { 1 }));
        yield return Case("SendAsync(text)", c => c.SendAsync("/queue/guard", "text"));
        yield return Case("SendFrameAsync", c => c.SendFrameAsync(Send));
        yield return Case("UnsubscribeAsync", c => c.UnsubscribeAsync("sub-1"));
        yield return Case("RemoveDurableSubscriptionAsync", c => c.RemoveDurableSubscriptionAsync("/topic/guard", "name"));
        yield return Case("BeginTransactionAsync", c => c.BeginTransactionAsync());
        yield return Case("AckAsync", c => c.AckAsync("m-1"));
        yield return Case("NackAsync", c => c.NackAsync("m-1"));

        static TestCaseData Case(string name, Func<StompClient, Task> call) => new TestCaseData(call).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(CallsOnADisposedClient))]
    public async Task A_disposed_client_refuses_every_call_with_ObjectDisposedException(Func<StompClient, Task> call)
    {
        var client = new StompClient(new StompClientOptions());
        await client.DisposeAsync();

        await Assert.ThatAsync(() => call(client), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public async Task A_watch_of_a_disposed_client_ends_at_once_with_ObjectDisposedException()
    {
        var client = new StompClient(new StompClientOptions());
        await client.DisposeAsync();

        await Assert.ThatAsync(() => client.Watch("/queue/guard").FirstAsync().ToTask().WaitAsync(StreamWaits.DefaultTimeout),
            Throws.TypeOf<ObjectDisposedException>());
    }

    private static IEnumerable<TestCaseData> CallsWithAMissingArgument()
    {
        yield return Case("Watch", "destination", c => c.Watch(""));
        yield return Case("SharedWatch", "destination", c => c.SharedWatch(""));
        yield return Case("UnsubscribeAsync", "id", c => c.UnsubscribeAsync(""));
        yield return Case("RemoveDurableSubscriptionAsync destination", "destination", c => c.RemoveDurableSubscriptionAsync("", "name"));
        yield return Case("RemoveDurableSubscriptionAsync name", "name", c => c.RemoveDurableSubscriptionAsync("/topic/guard", ""));
        yield return Case("SendAsync destination", "destination", c => c.SendAsync("", new byte[] { 1 }));
        yield return Case("SendAsync text", "text", c => c.SendAsync("/queue/guard", (string)null!));
        yield return Case("SendFrameAsync", "frame", c => c.SendFrameAsync(null!));

        static TestCaseData Case(string name, string parameter, Func<StompClient, object> call) => new TestCaseData(parameter, call).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(CallsWithAMissingArgument))]
    public async Task A_missing_argument_is_refused_by_its_name(string parameter, Func<StompClient, object> call)
    {
        await using var client = new StompClient(new StompClientOptions());

        await Assert.ThatAsync(async () =>
            {
                if (call(client) is Task task)
                {
                    await task;
                }
            },
            Throws.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(parameter));
    }

    [Test]
    public void A_client_needs_options()
    {
        Assert.That(() => new StompClient(null!), Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("options"));
    }

    [TestCase(StompCommand.Connect)]
    [TestCase(StompCommand.Stomp)]
    public async Task SendFrameAsync_leaves_CONNECT_to_ConnectAsync(StompCommand command)
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        var sent = new List<StompCommand>();
        using var watching = client.Sent.Subscribe(f => sent.Add(f.Command));

        var refused = Assert.ThrowsAsync<ArgumentException>(() => client.SendFrameAsync(new Frame(command, StompHeaders.Create(("accept-version", "1.2")))));

        Assert.That(refused!.Message, Does.StartWith("CONNECT is sent by ConnectAsync."));
        Assert.That(refused.ParamName, Is.EqualTo("frame"));
        Assert.That(sent, Is.Empty, "nothing went to the broker");
    }
}

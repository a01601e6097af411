using System.Net;
using System.Net.Sockets;

namespace Rx.Stomp.Tests.Samples;

/// <summary>rxstomp, run as a process, where no broker is needed: usage errors, an unreachable port, help.</summary>
[TestFixture]
public sealed class RxStompOfflineTests
{
    private const string Password = "Offline-Secret-42";

    [Test]
    public async Task A_bad_ack_value_exits_1_with_one_line_naming_the_option()
    {
        using var listen = await RxStompProcess.RunAsync("listen", "/topic/x", "--ack", "sometimes", "-W", Password);

        Assert.That(listen.ExitCode, Is.EqualTo(1), listen.Transcript);
        Assert.That(listen.Stderr, Has.Count.EqualTo(1), listen.Transcript);
        Assert.That(listen.Stderr[0], Does.Contain("--ack").And.Contain("sometimes"));
        Assert.That(listen.Output, Does.Not.Contain(Password));
    }

    [TestCase("listen", "/topic/x", "--count", "many", "--count")]
    [TestCase("listen", "/topic/x", "--timeout", "soon", "--timeout")]
    [TestCase("listen", "/topic/x", "--heartbeats", "1000", "--heartbeats")]
    [TestCase("listen", "/topic/x", "-S", "1.3", "--protocol")]
    [TestCase("send", "/topic/x", "--port", "70000", "--port")]
    [TestCase("send", "/topic/x", "--count", "0", "--count")]
    [TestCase("send", "/topic/x", "--header", "no-colon", "--header")]
    [TestCase("send", "/topic/x", "--url", "http://u:" + Password + "@h/", "--url")]
    [TestCase("send", "/topic/x", "--no-such-option", "x", "no-such-option")]
    public async Task A_bad_option_value_exits_1_with_one_line_naming_it(string command, string destination, string option, string value, string named)
    {
        using var run = await RxStompProcess.RunAsync(command, destination, option, value, "--password", Password);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Transcript);
        Assert.That(run.Stderr, Has.Count.EqualTo(1), run.Transcript);
        Assert.That(run.Stderr[0], Does.StartWith("rxstomp: ").And.Contain(named));
        Assert.That(run.Output, Does.Not.Contain(Password));
    }

    [Test]
    public async Task An_unreachable_port_exits_2_with_one_line()
    {
        using var run = await RxStompProcess.RunAsync("send", "/topic/x", "-H", "127.0.0.1", "-P", FreePort(), "--body", "x", "-W", Password, "-V");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Transcript);
        var reason = run.Stderr.Where(l => l.StartsWith("rxstomp: ", StringComparison.Ordinal)).ToList();
        Assert.That(reason, Has.Count.EqualTo(1), run.Transcript);
        Assert.That(reason[0], Does.Contain("127.0.0.1"));
        Assert.That(run.Output, Does.Not.Contain(Password));
    }

    [Test]
    public async Task Help_documents_the_exit_codes()
    {
        using var run = await RxStompProcess.RunAsync("listen", "--help");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Transcript);
        var help = string.Join(' ', run.Stdout.Select(l => l.Trim()));
        Assert.That(help, Does.Contain("1 usage error").And.Contain("2 connection or broker error").And.Contain("3 timeout"));
    }

    [Test]
    public async Task Version_prints_the_versions_of_rxstomp_and_Rx_Stomp()
    {
        using var run = await RxStompProcess.RunAsync("--version");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Transcript);
        Assert.That(run.Stdout.Single(), Does.Match(@"^rxstomp \S+ \(Rx\.Stomp \S+\)$"), run.Transcript);
    }

    [TestCase("--url", "stomp://localhost:61613/")]
    [TestCase("--ssl", null)]
    [TestCase("--multicast-interface", "not-an-address")]
    public async Task Multicast_refuses_what_only_a_broker_takes_and_a_bad_interface(string option, string? value)
    {
        using var run = await RxStompProcess.RunAsync(["send", "/topic/x", "-S", "multicast", option, .. value is null ? Array.Empty<string>() : [value]]);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Transcript);
        Assert.That(run.Stderr.Single(), Does.StartWith("rxstomp: ").And.Contain(option.TrimStart('-').Split('-')[0]), run.Transcript);
    }

    /// <summary>A port that nothing listens on: one the system just handed out and took back.</summary>
    internal static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

using Rx.Stomp.Broker;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// <c>rxstomp shell</c> where no external broker is needed: bad options, an unreachable broker, commands that
/// need no messages, nested command files, and a connection dropped by an embedded broker's fault injection.
/// </summary>
[TestFixture]
public sealed class RxStompShellOfflineTests
{
    private StompBroker _broker = null!;
    private readonly List<string> _files = [];

    [OneTimeSetUp]
    public async Task StartBroker() => _broker = await StompBroker.StartAsync();

    [OneTimeTearDown]
    public async Task StopBroker() => await _broker.DisposeAsync();

    [TearDown]
    public void DeleteFiles()
    {
        _files.ForEach(File.Delete);
        _files.Clear();
    }

    private string[] Address => ["-H", _broker.Endpoint.Host, "-P", _broker.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    [TestCase("--wait", "soon", "--wait")]
    [TestCase("-S", "2.0", "--protocol")]
    [TestCase("--heartbeats", "x", "--heartbeats")]
    public async Task A_bad_option_exits_1_with_one_line_naming_it(string option, string value, string named)
    {
        using var shell = await RxStompProcess.RunAsync(["shell", option, value, .. Address]);

        Assert.That(shell.ExitCode, Is.EqualTo(1), shell.Transcript);
        Assert.That(shell.Stderr, Has.Count.EqualTo(1), shell.Transcript);
        Assert.That(shell.Stderr[0], Does.StartWith("rxstomp: ").And.Contain(named));
    }

    [Test]
    public async Task File_and_listen_together_exit_1()
    {
        using var shell = await RxStompProcess.RunAsync(["shell", "-F", "x.txt", "-L", "/topic/x", .. Address]);

        Assert.That(shell.ExitCode, Is.EqualTo(1), shell.Transcript);
        Assert.That(shell.Stderr.Single(), Does.Contain("--file and --listen"));
    }

    [Test]
    public async Task A_missing_command_file_exits_1_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"rxstomp-test-{Guid.NewGuid():N}.txt");
        using var shell = await RxStompProcess.RunAsync(["shell", "-F", missing, .. Address]);

        Assert.That(shell.ExitCode, Is.EqualTo(1), shell.Transcript);
        Assert.That(shell.Stderr[^1], Does.Contain("Cannot read " + missing));
    }

    [Test]
    public async Task An_unreachable_broker_exits_2_with_one_line()
    {
        using var shell = await RxStompProcess.RunAsync("shell", "-H", "127.0.0.1", "-P", RxStompOfflineTests.FreePort(), "-W", "Shell-Secret-7");

        Assert.That(shell.ExitCode, Is.EqualTo(2), shell.Transcript);
        Assert.That(shell.Stderr.Single(), Does.StartWith("rxstomp: ").And.Contain("127.0.0.1"));
        Assert.That(shell.Output, Does.Not.Contain("Shell-Secret-7"));
    }

    [Test]
    public async Task A_stomp_url_argument_connects_like_the_options()
    {
        using var shell = await RxStompProcess.RunWithInputAsync("version", "shell", $"stomp://{_broker.Endpoint.Host}:{_broker.Endpoint.Port}/");

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        Assert.That(shell.Stdout.Single(), Does.Match(@"^rxstomp \S+ \(Rx\.Stomp \S+\), STOMP 1\.2$"));
        Assert.That(shell.Stderr.Single(), Does.StartWith($"Connected to {_broker.Endpoint}"));
    }

    [Test]
    public async Task Protocol_option_pins_the_version_the_shell_reports()
    {
        using var shell = await RxStompProcess.RunWithInputAsync("ver", ["shell", "-S", "1.1", .. Address]);

        Assert.That(shell.Stdout.Single(), Does.EndWith(", STOMP 1.1"), shell.Transcript);
    }

    [Test]
    public async Task Version_option_prints_the_versions_and_connects_to_nothing()
    {
        using var shell = await RxStompProcess.RunAsync("shell", "--version", "-H", "127.0.0.1", "-P", RxStompOfflineTests.FreePort());

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        Assert.That(shell.Stdout.Single(), Does.Match(@"^rxstomp \S+ \(Rx\.Stomp \S+\)$"), shell.Transcript);
        Assert.That(shell.Stderr, Is.Empty, shell.Transcript);
    }

    [Test]
    public async Task Protocol_multicast_joins_a_group_where_another_process_sends_without_a_broker()
    {
        // stomp.py's -S multicast; kept on this machine by the loopback interface.
        var group = Transport.MulticastTransportTests.NewGroup();
        string[] peer = ["-S", "multicast", "--multicast-interface", "127.0.0.1", "-H", group.Host, "-P", group.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        using var listener = RxStompProcess.Start(["shell", "-L", "/topic/chat", .. peer]);
        await listener.WaitForStdoutAsync(l => l.StartsWith("Subscribed to /topic/chat", StringComparison.Ordinal));

        using var send = await RxStompProcess.RunAsync(["send", "/topic/chat", "--body", "hello, group", .. peer]);

        Assert.That(send.ExitCode, Is.EqualTo(0), send.Transcript);
        await listener.WaitForStdoutAsync(l => l == "hello, group");
        Assert.That(listener.Stderr[0], Does.StartWith($"Connected to {group}"), listener.Transcript);
    }

    [Test]
    public async Task Help_lists_every_command_and_explains_one()
    {
        using var shell = await RxStompProcess.RunWithInputAsync("help\nhelp rollback\nhelp nothing", ["shell", .. Address]);

        Assert.That(shell.ExitCode, Is.EqualTo(1), "help for an unknown command fails: " + shell.Transcript);
        string[] commands = ["subscribe", "unsubscribe", "send", "sendrec", "sendreply", "sendfile", "ack", "nack", "begin", "commit", "abort", "stats", "run", "wait", "version", "help", "quit"];
        foreach (var command in commands)
        {
            Assert.That(shell.Stdout, Has.Some.StartsWith($"  {command} "), command + "\n" + shell.Transcript);
        }

        Assert.That(shell.Stdout, Does.Contain("Usage: abort").And.Contain("Also: rollback"), shell.Transcript);
        Assert.That(shell.Stderr[^1], Is.EqualTo("No command 'nothing'; 'help' lists them."), shell.Transcript);
    }

    [Test]
    public async Task Run_nests_files_reports_file_and_line_and_refuses_endless_recursion()
    {
        var inner = NewFile("version\nno-such-command\n");
        var loop = NewFile("");
        File.WriteAllText(loop, $"run {loop}\n");
        var outer = NewFile($"run {inner}\nrun {loop}\n");

        using var shell = await RxStompProcess.RunAsync(["shell", "-F", outer, .. Address]);

        Assert.That(shell.ExitCode, Is.EqualTo(1), shell.Transcript);
        Assert.That(shell.Stdout, Has.Count.EqualTo(1).And.Some.StartsWith("rxstomp "), shell.Transcript);
        Assert.That(shell.Stderr, Does.Contain($"{Path.GetFileName(inner)}:2: Unknown command 'no-such-command': 'help' lists the commands."), shell.Transcript);
        Assert.That(shell.Stderr, Has.Some.Contains($"{Path.GetFileName(loop)}:1: run: files nest more than 8 deep"), shell.Transcript);
    }

    [Test]
    public async Task Listen_goes_on_after_the_broker_drops_the_connection()
    {
        var queue = $"/queue/rxstomp.cli.{Guid.NewGuid():N}";
        using var listener = RxStompProcess.Start(["shell", "-L", queue, .. Address]);
        await listener.WaitForStdoutAsync(l => l.StartsWith($"Subscribed to {queue}", StringComparison.Ordinal));

        Assert.That(_broker.Faults.DropAllConnections(), Is.GreaterThanOrEqualTo(1));
        await listener.WaitForStderrAsync(l => l.StartsWith("Connection lost", StringComparison.Ordinal));
        await listener.WaitForStderrAsync(l => l.StartsWith("Reconnected", StringComparison.Ordinal));
        // Reconnected means CONNECTED arrived and the SUBSCRIBE follows: a queue keeps the message until it is there.
        using var send = await RxStompProcess.RunAsync(["send", queue, "--body", "after the drop", "--receipt", .. Address]);
        Assert.That(send.ExitCode, Is.EqualTo(0), send.Transcript);

        await listener.WaitForStdoutAsync(l => l == "after the drop");
    }

    [Test]
    public async Task After_a_dropped_connection_pending_acks_are_forgotten_and_the_redelivery_is_acked()
    {
        var queue = $"/queue/rxstomp.cli.{Guid.NewGuid():N}";
        using var shell = RxStompProcess.StartWithOpenInput(["shell", .. Address]);
        await shell.WriteLineAsync($"subscribe {queue} client-individual");
        await shell.WriteLineAsync($"sendrec {queue} x");
        await shell.WriteLineAsync("wait 1");
        await shell.WaitForStdoutAsync(l => l == "x");

        Assert.That(_broker.Faults.DropAllConnections(), Is.GreaterThanOrEqualTo(1));
        await shell.WaitForStderrAsync(l => l.EndsWith("The 1 message(s) awaiting acknowledgement will be redelivered.", StringComparison.Ordinal));
        await shell.WriteLineAsync("wait 2");
        await shell.WriteLineAsync("ack all");
        shell.CloseInput();

        Assert.That(await shell.WaitForExitAsync(), Is.EqualTo(0), shell.Transcript);
        Assert.That(shell.Stdout.Count(l => l == "x"), Is.EqualTo(2), shell.Transcript);
        Assert.That(shell.Stdout[^1], Is.EqualTo("Acknowledged 1 message."), shell.Transcript);
    }

    private string NewFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rxstomp-test-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, text);
        _files.Add(path);
        return path;
    }
}

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// <c>rxstomp shell</c> run as a process against a real broker: RabbitMQ, and an embedded broker started in this
/// test process. Scripts use the shell's own <c>wait</c> so that each step starts once the messages before it arrived.
/// </summary>
[TestFixtureSource(typeof(ShellTarget), nameof(ShellTarget.Names))]
[NonParallelizable]
public sealed class RxStompShellTests(string targetName)
{
    private readonly List<RxStompProcess> _processes = [];
    private readonly List<string> _paths = [];
    private ShellTarget _target = null!;

    [OneTimeSetUp]
    public async Task StartTarget() => _target = await ShellTarget.StartAsync(targetName);

    [OneTimeTearDown]
    public async Task StopTarget() => await _target.DisposeAsync();

    [TearDown]
    public void CleanUp()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        foreach (var path in _paths)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }

        _processes.Clear();
        _paths.Clear();
    }

    [Test]
    public async Task A_command_file_drives_subscribe_send_sendrec_begin_commit_ack_with_the_expected_output()
    {
        var queue = NewQueue();
        var script = NewFile($"""
            # acks, transactions and receipts on one queue
            subscribe {queue} client-individual
            send {queue} one
            sendrec {queue} two
            wait 2
            ack all
            begin
            send {queue} three
            sendrec {queue} four
            commit
            wait 4
            ack all
            begin
            send {queue} five
            abort
            unsubscribe {queue}
            subscribe {queue}
            sendrec {queue} six
            wait 5
            """);

        using var shell = await RxStompProcess.RunAsync(["shell", "-F", script, .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        var (messages, results) = ShellTranscript.Split(shell.Stdout);
        // Acked messages are not redelivered to the second subscription, and the aborted 'five' never arrives.
        Assert.That(messages, Is.EqualTo(new[]
        {
            $"MESSAGE {queue} id:* | one",
            $"MESSAGE {queue} id:* | two",
            $"MESSAGE {queue} id:* | three",
            $"MESSAGE {queue} id:* | four",
            $"MESSAGE {queue} | six",
        }), shell.Transcript);
        Assert.That(results, Is.EqualTo(new[]
        {
            $"Subscribed to {queue} (ack client-individual, id 1).",
            $"Sent to {queue}; the broker confirmed it (RECEIPT).",
            "Acknowledged 2 messages.",
            "Began a transaction.",
            $"Sent to {queue}; the broker confirmed it (RECEIPT).",
            "Committed the transaction.",
            "Acknowledged 2 messages.",
            "Began a transaction.",
            "Aborted the transaction.",
            $"Unsubscribed from {queue}.",
            $"Subscribed to {queue} (ack auto, id 2).",
            $"Sent to {queue}; the broker confirmed it (RECEIPT).",
        }), shell.Transcript);
        Assert.That(shell.Stderr, Has.Count.EqualTo(1).And.Some.StartsWith("Connected to "), shell.Transcript);
        Assert.That(shell.Output, Does.Not.Contain("\u001b["), "no colour codes when redirected");
    }

    [Test]
    public async Task An_ack_inside_a_transaction_takes_effect_at_commit_and_not_after_abort()
    {
        // Each step is a shell of its own: a broker gives unacknowledged messages back when their connection ends
        // (RabbitMQ keeps them from other consumers until then, even after UNSUBSCRIBE).
        var queue = NewQueue();
        using var aborted = await RxStompProcess.RunWithInputAsync($"""
            subscribe {queue} client-individual
            sendrec {queue} x
            wait 1
            begin
            ack all
            abort
            """, ["shell", .. _target.Args]);
        using var committed = await RxStompProcess.RunWithInputAsync($"""
            subscribe {queue} client-individual
            wait 1
            begin
            ack all
            commit
            """, ["shell", .. _target.Args]);
        using var after = await RxStompProcess.RunWithInputAsync($"""
            subscribe {queue}
            sendrec {queue} marker
            wait 1
            """, ["shell", .. _target.Args]);

        Assert.That(new[] { aborted.ExitCode, committed.ExitCode, after.ExitCode }, Is.All.Zero, aborted.Transcript + committed.Transcript + after.Transcript);
        Assert.That(aborted.Stdout.TakeLast(2), Is.EqualTo(new[] { "Began a transaction.", "Aborted the transaction." }), aborted.Transcript);
        var (redelivered, results) = ShellTranscript.Split(committed.Stdout);
        Assert.That(redelivered, Is.EqualTo(new[] { $"MESSAGE {queue} id:* | x" }), committed.Transcript);
        Assert.That(results, Is.EqualTo(new[]
        {
            $"Subscribed to {queue} (ack client-individual, id 1).",
            "Began a transaction.",
            "Acknowledged 1 message.",
            "Committed the transaction.",
        }), committed.Transcript);
        Assert.That(ShellTranscript.Split(after.Stdout).Messages, Is.EqualTo(new[] { $"MESSAGE {queue} | marker" }), after.Transcript);
    }

    [Test]
    public async Task Nack_gives_a_message_back_and_ack_by_id_settles_the_redelivery()
    {
        var queue = NewQueue();
        using var shell = await RxStompProcess.RunWithInputAsync($"""
            subscribe {queue} client-individual
            sendrec {queue} again
            wait 1
            nack all
            wait 2
            """, ["shell", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        var (messages, results) = ShellTranscript.Split(shell.Stdout);
        Assert.That(messages, Is.EqualTo(new[] { $"MESSAGE {queue} id:* | again", $"MESSAGE {queue} id:* | again" }), shell.Transcript);
        Assert.That(results, Does.Contain("Refused 1 message."), shell.Transcript);
    }

    [Test]
    public async Task A_nack_that_fails_and_an_aborted_ack_keep_the_message_pending_for_the_ack_that_settles_it()
    {
        // STOMP 1.0 has no NACK: it fails before anything is sent, and the message must still be there to settle.
        var queue = NewQueue();
        using var shell = await RxStompProcess.RunWithInputAsync($"""
            subscribe {queue} client
            sendrec {queue} kept
            wait 1
            nack all
            begin
            ack all
            abort
            ack all
            """, ["shell", "-S", "1.0", .. _target.Args]);
        using var after = await RxStompProcess.RunWithInputAsync($"""
            subscribe {queue}
            sendrec {queue} marker
            wait 1
            """, ["shell", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(1), "the failed nack is the first failure: " + shell.Transcript);
        Assert.That(shell.Stderr, Has.Some.Contains("STOMP 1.0 has no NACK"), shell.Transcript);
        Assert.That(ShellTranscript.Split(shell.Stdout).Results, Is.EqualTo(new[]
        {
            $"Subscribed to {queue} (ack client, id 1).",
            $"Sent to {queue}; the broker confirmed it (RECEIPT).",
            "Began a transaction.",
            "Aborted the transaction.",
            "Acknowledged 1 message.",
        }), shell.Transcript);
        Assert.That(ShellTranscript.Split(after.Stdout).Messages, Is.EqualTo(new[] { $"MESSAGE {queue} | marker" }), "acknowledged, so never redelivered: " + after.Transcript);
    }

    [Test]
    public async Task Ack_by_the_printed_id_settles_that_message_and_ack_mode_client_covers_the_earlier_ones()
    {
        var queue = NewQueue();
        var shell = StartInteractive(["shell", .. _target.Args]);
        await shell.WriteLineAsync($"subscribe {queue} client");
        await shell.WriteLineAsync($"send {queue} first");
        await shell.WriteLineAsync($"sendrec {queue} second");
        await shell.WaitForStdoutAsync(l => l == "second");
        var secondId = shell.Stdout.Where(l => l.StartsWith("MESSAGE ", StringComparison.Ordinal)).Last().Split("id:")[1];

        // In ack mode client one ACK covers every earlier message of the subscription: none comes back.
        await shell.WriteLineAsync($"ack {secondId}");
        await shell.WriteLineAsync($"ack {secondId}");
        await shell.WriteLineAsync($"unsubscribe {queue}");
        await shell.WriteLineAsync($"subscribe {queue}");
        await shell.WriteLineAsync($"sendrec {queue} third");
        await shell.WriteLineAsync("wait 3");
        shell.CloseInput();

        Assert.That(await shell.WaitForExitAsync(), Is.EqualTo(1), "the second ack of one id fails: " + shell.Transcript);
        var (messages, results) = ShellTranscript.Split(shell.Stdout);
        Assert.That(messages, Is.EqualTo(new[] { $"MESSAGE {queue} id:* | first", $"MESSAGE {queue} id:* | second", $"MESSAGE {queue} | third" }), shell.Transcript);
        Assert.That(results.Count(l => l == "Acknowledged 1 message."), Is.EqualTo(1), shell.Transcript);
        Assert.That(shell.Stderr, Has.Some.Contains($"No message awaiting acknowledgement has id '{secondId}'"), shell.Transcript);
    }

    [Test]
    public async Task Sendreply_sends_the_correlation_id_and_verbose_mode_prints_headers()
    {
        var topic = NewTopic();
        using var shell = await RxStompProcess.RunWithInputAsync($"""
            subscribe {topic}
            sendreply {topic} request-42 the answer is 42
            wait 1
            """, ["shell", "-V", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        var message = shell.Stdout.SkipWhile(l => l != "MESSAGE").ToList();
        Assert.That(message, Does.Contain("correlation-id:request-42").And.Contain($"destination:{topic}").And.Contain("the answer is 42"), shell.Transcript);
    }

    [Test]
    public async Task Sendfile_round_trip_between_two_shells_is_byte_exact_with_the_json_headers_and_never_overwrites()
    {
        var queue = NewQueue();
        var content = new byte[70_000];
        new Random(3).NextBytes(content);
        content[0] = 0;
        var file = NewFile(content, "payload.bin");
        var headers = NewFile("""{"x-kind": "report", "x-size": 70000}""");
        var saveDir = NewDirectory();
        var receiver = Start(["shell", "-L", queue, "-V", "--save-dir", saveDir, .. _target.Args]);
        await receiver.WaitForStdoutAsync(l => l.StartsWith($"Subscribed to {queue}", StringComparison.Ordinal));

        using var sender = await RxStompProcess.RunWithInputAsync($"""
            sendfile {queue} {file} {headers}
            sendfile {queue} {file}
            """, ["shell", .. _target.Args]);

        Assert.That(sender.ExitCode, Is.EqualTo(0), sender.Transcript);
        Assert.That(sender.Stdout, Is.EqualTo(Enumerable.Repeat($"Sent payload.bin (70000 bytes) to {queue}; the broker confirmed it (RECEIPT).", 2)), sender.Transcript);
        var second = Path.Combine(saveDir, "payload.bin.1");
        await receiver.WaitForStdoutAsync(l => l == $"Saved file: {second} (70000 bytes)");
        Assert.That(File.ReadAllBytes(Path.Combine(saveDir, "payload.bin")), Is.EqualTo(content));
        Assert.That(File.ReadAllBytes(second), Is.EqualTo(content));
        Assert.That(receiver.Stdout, Does.Contain("x-kind:report").And.Contain("x-size:70000").And.Contain("filename:payload.bin"), receiver.Transcript);
    }

    [Test]
    public async Task Listen_option_prints_what_rxstomp_send_sends_and_exits_0_on_sigterm()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Sends a POSIX signal.");
        }

        var topic = NewTopic();
        var listener = Start(["shell", "-L", topic, .. _target.Args]);
        await listener.WaitForStdoutAsync(l => l.StartsWith($"Subscribed to {topic}", StringComparison.Ordinal));

        using var send = await RxStompProcess.RunAsync(["send", topic, "--body", "from send", "--receipt", .. _target.Args]);
        Assert.That(send.ExitCode, Is.EqualTo(0), send.Transcript);
        await listener.WaitForStdoutAsync(l => l == "from send");

        await listener.SignalAsync("TERM");
        Assert.That(await listener.WaitForExitAsync(), Is.EqualTo(0), listener.Transcript);
        Assert.That(listener.Stdout, Is.EqualTo(new[] { $"Subscribed to {topic} (ack auto, id 1).", $"MESSAGE {topic}", "from send" }), listener.Transcript);
    }

    [Test]
    public async Task A_shell_script_sends_to_rxstomp_listen()
    {
        var queue = NewQueue();
        var listen = Start(["listen", queue, "--count", "2", "--json", .. _target.Args]);
        await listen.WaitForStderrAsync(l => l == $"listening on {queue}");

        using var shell = await RxStompProcess.RunWithInputAsync($"""
            send {queue} first
            sendrec {queue} second
            """, ["shell", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        Assert.That(listen.Stdout, Has.Count.EqualTo(2), listen.Transcript);
    }

    [Test]
    public async Task Send_count_sends_that_many_messages_and_prints_nothing_when_redirected()
    {
        var queue = NewQueue();
        var listen = Start(["listen", queue, "--count", "25", "--json", .. _target.Args]);
        await listen.WaitForStderrAsync(l => l == $"listening on {queue}");

        using var send = await RxStompProcess.RunAsync(["send", queue, "--body", "again", "--count", "25", "--receipt", .. _target.Args]);

        Assert.That(send.ExitCode, Is.EqualTo(0), send.Transcript);
        Assert.That(send.Output, Is.Empty, "no progress bar when redirected: " + send.Transcript);
        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        Assert.That(listen.Stdout, Has.Count.EqualTo(25), listen.Transcript);
    }

    [Test]
    public async Task Stats_counts_from_stats_on_and_stops_at_stats_off()
    {
        var topic = NewTopic();
        using var shell = await RxStompProcess.RunWithInputAsync($"""
            stats
            subscribe {topic}
            stats on
            sendrec {topic} a
            send {topic} b
            wait 2
            stats
            stats off
            """, ["shell", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        var (_, results) = ShellTranscript.Split(shell.Stdout);
        Assert.That(results[0], Is.EqualTo("Statistics are off: 'stats on' starts counting."), shell.Transcript);
        Assert.That(results, Does.Contain("Counting from now.").And.Contain("Stopped counting."), shell.Transcript);
        Assert.That(results.Single(l => l.StartsWith("Sent ", StringComparison.Ordinal) && l.Contains("message(s); received", StringComparison.Ordinal)),
            Does.StartWith("Sent 2 message(s); received 2 message(s), 1 receipt(s), 0 error(s), "), shell.Transcript);
    }

    [Test]
    public async Task Rollback_is_abort_and_quit_ends_the_input()
    {
        var topic = NewTopic();
        using var shell = await RxStompProcess.RunWithInputAsync($"""
            subscribe {topic}
            begin
            send {topic} never
            rollback
            sendrec {topic} after
            wait 1
            quit
            send {topic} not sent
            """, ["shell", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(0), shell.Transcript);
        var (messages, results) = ShellTranscript.Split(shell.Stdout);
        Assert.That(messages, Is.EqualTo(new[] { $"MESSAGE {topic} | after" }), shell.Transcript);
        Assert.That(results, Does.Contain("Aborted the transaction."), shell.Transcript);
    }

    [Test]
    public async Task A_failing_command_prints_one_line_the_shell_goes_on_and_the_exit_code_is_the_first_failures()
    {
        var topic = NewTopic();
        var script = NewFile($"""
            commit
            ack nothing-here
            frobnicate
            subscribe {topic} sometimes
            subscribe {topic}
            subscribe {topic}
            sendrec {topic} still working
            wait 1 5
            wait 2 0.5
            """);

        using var shell = await RxStompProcess.RunAsync(["shell", "-F", script, .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(1), shell.Transcript);
        var name = Path.GetFileName(script);
        Assert.That(shell.Stderr.Skip(1), Is.EqualTo(new[]
        {
            $"{name}:1: Not in a transaction: 'begin' starts one.",
            $"{name}:2: No message awaiting acknowledgement has id 'nothing-here'; the ids follow 'id:' after MESSAGE.",
            $"{name}:3: Unknown command 'frobnicate': 'help' lists the commands.",
            $"{name}:4: 'sometimes' is not an ack mode (auto, client, client-individual).",
            $"{name}:6: Already subscribed to {topic}.",
            $"{name}:9: wait: 1 of 2 messages within 0.5 s.",
        }), shell.Transcript);
        Assert.That(shell.Stdout, Does.Contain("still working"), shell.Transcript);
    }

    [Test]
    public async Task A_refused_frame_prints_the_error_frame_and_exits_2()
    {
        using var shell = await RxStompProcess.RunWithInputAsync("sendrec /no-such-kind/x hello", ["shell", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(2), shell.Transcript);
        Assert.That(shell.Stdout, Has.Some.StartsWith("ERROR "), shell.Transcript);
        Assert.That(shell.Stderr[1], Does.Not.Contain("\n"), shell.Transcript);
    }

    [Test]
    public async Task A_timed_out_wait_alone_exits_3()
    {
        using var shell = await RxStompProcess.RunWithInputAsync("wait 1 0.2", ["shell", .. _target.Args]);

        Assert.That(shell.ExitCode, Is.EqualTo(3), shell.Transcript);
    }

    private RxStompProcess Start(IEnumerable<string> args)
    {
        var process = RxStompProcess.Start(args);
        _processes.Add(process);
        return process;
    }

    private RxStompProcess StartInteractive(IEnumerable<string> args)
    {
        var process = RxStompProcess.StartWithOpenInput(args);
        _processes.Add(process);
        return process;
    }

    private string NewFile(string text) => NewFile(System.Text.Encoding.UTF8.GetBytes(text), $"rxstomp-test-{Guid.NewGuid():N}.txt");

    private string NewFile(byte[] content, string name)
    {
        var directory = NewDirectory();
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rxstomp-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        _paths.Add(path);
        return path;
    }

    private static string NewQueue() => $"/queue/rxstomp.cli.{Guid.NewGuid():N}";

    private static string NewTopic() => $"/topic/rxstomp.cli.{Guid.NewGuid():N}";
}

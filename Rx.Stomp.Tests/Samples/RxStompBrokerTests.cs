using System.Text;
using System.Text.Json;

using Rx.Stomp.Tests.Brokers;

namespace Rx.Stomp.Tests.Samples;

/// <summary>The rxstomp program, run as a process, against the real RabbitMQ (see <see cref="Brokers.Broker"/>).</summary>
[TestFixture]
[Category(Brokers.Broker.ExternalCategory)]
[NonParallelizable]
public sealed class RxStompBrokerTests
{
    private readonly Brokers.Broker _broker = Brokers.Broker.RabbitMq;
    private readonly List<RxStompProcess> _processes = [];
    private readonly List<string> _files = [];

    [OneTimeSetUp]
    public Task RequireBroker() => _broker.RequireAsync();

    [TearDown]
    public void KillProcesses()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _processes.Clear();
        foreach (var file in _files)
        {
            File.Delete(file);
        }

        _files.Clear();
    }

    [Test]
    public async Task Listen_json_receives_a_binary_file_byte_exact_and_a_header_value_with_colons()
    {
        var destination = NewTopic();
        var body = new byte[4096];
        new Random(7).NextBytes(body);
        body[0] = 0x00;
        body[1] = 0xFF;
        body[^1] = 0x00;
        var file = NewFile(body);

        var listen = Start(["listen", destination, "--count", "1", "--json", .. _broker.Args]);
        await listen.WaitForStderrAsync(IsListening(destination));
        var send = Start(["send", destination, "--file", file, "--header", "x-url:http://a:b@c:8080/d", "--receipt", .. _broker.Args]);

        Assert.That(await send.WaitForExitAsync(), Is.EqualTo(0), send.Transcript);
        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        Assert.That(listen.Stdout, Has.Count.EqualTo(1), listen.Transcript);
        using var json = JsonDocument.Parse(listen.Stdout[0]);
        var root = json.RootElement;
        Assert.That(root.GetProperty("command").GetString(), Is.EqualTo("MESSAGE"));
        var headers = root.GetProperty("headers").EnumerateArray().Select(h => (h[0].GetString(), h[1].GetString())).ToList();
        Assert.That(headers, Does.Contain(("x-url", "http://a:b@c:8080/d")));
        Assert.That(headers, Does.Contain(("destination", destination)));
        Assert.That(root.GetProperty("body_base64").GetBytesFromBase64(), Is.EqualTo(body));
    }

    [Test]
    public async Task Listen_prints_text_bodies_as_text_and_others_as_base64_and_acks_in_client_mode()
    {
        var destination = NewTopic();
        var binary = new byte[] { 0xC3, 0x28, 0x00, 0xFF };
        var listen = Start(["listen", destination, "--count", "2", "--ack", "client-individual", .. _broker.Args]);
        await listen.WaitForStderrAsync(IsListening(destination));

        var text = Start(["send", destination, "--body", "héllo wörld", "--receipt", .. _broker.Args]);
        Assert.That(await text.WaitForExitAsync(), Is.EqualTo(0), text.Transcript);
        var bytes = Start(["send", destination, "--file", NewFile(binary), "--receipt", .. _broker.Args]);
        Assert.That(await bytes.WaitForExitAsync(), Is.EqualTo(0), bytes.Transcript);

        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        Assert.That(listen.Stdout, Does.Contain("héllo wörld"), listen.Transcript);
        Assert.That(listen.Stdout, Does.Contain(Convert.ToBase64String(binary)), listen.Transcript);
        Assert.That(listen.Stdout.Any(l => l.Contains("not valid UTF-8", StringComparison.Ordinal)), listen.Transcript);
        Assert.That(listen.Stdout.Count(l => l == "MESSAGE"), Is.EqualTo(2), listen.Transcript);
    }

    [Test]
    public async Task Send_with_receipt_exits_0_once_the_receipt_arrives()
    {
        using var send = await RxStompProcess.RunAsync(["send", NewTopic(), "--body", "hello", "--receipt", .. _broker.Args]);

        Assert.That(send.ExitCode, Is.EqualTo(0), send.Transcript);
        Assert.That(send.Stdout, Is.Empty, send.Transcript);
        Assert.That(send.Stderr, Is.Empty, send.Transcript);
    }

    [Test]
    public async Task Send_reads_the_body_from_redirected_stdin_when_neither_body_nor_file_is_given()
    {
        var destination = NewTopic();
        var listen = Start(["listen", destination, "--count", "1", "--json", .. _broker.Args]);
        await listen.WaitForStderrAsync(IsListening(destination));

        // The runner redirects stdin and closes it: an empty body.
        var send = Start(["send", destination, "--receipt", .. _broker.Args]);

        Assert.That(await send.WaitForExitAsync(), Is.EqualTo(0), send.Transcript);
        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        using var json = JsonDocument.Parse(listen.Stdout.Single());
        Assert.That(json.RootElement.GetProperty("body_base64").GetString(), Is.Empty);
    }

    [Test]
    public async Task Listen_times_out_with_exit_3_and_one_line_of_reason()
    {
        using var listen = await RxStompProcess.RunAsync(["listen", NewTopic(), "--timeout", "1", .. _broker.Args]);

        Assert.That(listen.ExitCode, Is.EqualTo(3), listen.Transcript);
        Assert.That(listen.Stdout, Is.Empty, listen.Transcript);
        var reason = Reasons(listen);
        Assert.That(reason, Has.Count.EqualTo(1), listen.Transcript);
        Assert.That(reason[0], Does.StartWith("rxstomp: ").And.Contain("Timed out"));
    }

    [Test]
    public async Task A_bad_password_exits_2_with_one_line_naming_the_error_and_never_the_password()
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        using var listen = await RxStompProcess.RunAsync(["listen", NewTopic(), .. _broker.AddressArgs, "-U", "guest", "-W", password, "-V"]);

        Assert.That(listen.ExitCode, Is.EqualTo(2), listen.Transcript);
        var reason = Reasons(listen).Where(l => l.StartsWith("rxstomp: ", StringComparison.Ordinal)).ToList();
        Assert.That(reason, Has.Count.EqualTo(1), listen.Transcript);
        Assert.That(reason[0], Does.Contain("ERROR"));
        Assert.That(listen.Output, Does.Not.Contain(password));
    }

    [Test]
    public async Task A_bad_password_in_the_url_is_never_printed()
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        using var send = await RxStompProcess.RunAsync(
            ["send", NewTopic(), "--url", $"stomp://guest:{password}@{_broker.Endpoint.Host}:{_broker.Endpoint.Port}/", "--body", "x", "--receipt", "-V"]);

        Assert.That(send.ExitCode, Is.EqualTo(2), send.Transcript);
        Assert.That(send.Output, Does.Not.Contain(password));
    }

    [Test]
    public async Task A_refused_send_exits_2_even_without_a_receipt()
    {
        using var send = await RxStompProcess.RunAsync(["send", "/no-such-kind/x", "--body", "x", .. _broker.Args]);

        Assert.That(send.ExitCode, Is.EqualTo(2), send.Transcript);
        Assert.That(send.Stderr, Has.Count.EqualTo(1), send.Transcript);
        Assert.That(send.Stderr[0], Does.Contain("ERROR"));
    }

    [Test]
    public async Task Listen_without_count_runs_until_terminated_then_disconnects_and_exits_0()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Sends a POSIX signal.");
        }

        var destination = NewTopic();
        var listen = Start(["listen", destination, "-V", .. _broker.Args]);
        await listen.WaitForStderrAsync(IsListening(destination));

        // SIGTERM rather than SIGINT: a shell that starts the test run in the background makes children ignore SIGINT.
        await listen.SignalAsync("TERM");

        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        Assert.That(listen.Stderr.Any(l => l.Contains("Disconnected from", StringComparison.Ordinal)), listen.Transcript);
    }

    private RxStompProcess Start(IEnumerable<string> args)
    {
        var process = RxStompProcess.Start(args);
        _processes.Add(process);
        return process;
    }

    private string NewFile(byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rxstomp-test-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, content);
        _files.Add(path);
        return path;
    }

    /// <summary>A topic of its own: no queue is left behind on the broker.</summary>
    [Test]
    public async Task Listen_reports_a_killed_connection_reconnects_and_goes_on_printing()
    {
        var destination = $"/queue/rxstomp.cli.{Guid.NewGuid():N}";
        var listen = Start(["listen", destination, "--count", "2", "--json", .. _broker.Args]);
        await listen.WaitForStderrAsync(IsListening(destination));
        var before = Start(["send", destination, "--body", "before", "--receipt", .. _broker.Args]);
        Assert.That(await before.WaitForExitAsync(), Is.EqualTo(0), before.Transcript);

        await Support.RabbitMqCtl.RunAsync("close_all_connections", "rxstomp test: connection killed");
        await listen.WaitForStderrAsync(line => line.StartsWith("connection lost", StringComparison.Ordinal));
        await listen.WaitForStderrAsync(line => line.StartsWith("reconnected", StringComparison.Ordinal));
        var after = Start(["send", destination, "--body", "after", "--receipt", .. _broker.Args]);
        Assert.That(await after.WaitForExitAsync(), Is.EqualTo(0), after.Transcript);

        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        var bodies = listen.Stdout.Select(line => Encoding.UTF8.GetString(Convert.FromBase64String(JsonDocument.Parse(line).RootElement.GetProperty("body_base64").GetString()!)));
        Assert.That(bodies, Is.EqualTo(new[] { "before", "after" }), listen.Transcript);
    }

    private static string NewTopic() => $"/topic/rxstomp.cli.{Guid.NewGuid():N}";

    private static Func<string, bool> IsListening(string destination) => line => line == $"listening on {destination}";

    /// <summary>stderr without the "listening on" progress line.</summary>
    private static List<string> Reasons(RxStompProcess process) =>
        process.Stderr.Where(l => !l.StartsWith("listening on ", StringComparison.Ordinal)).ToList();
}

using System.Text.RegularExpressions;
using Rx.Stomp.Broker;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Shell;
using Rx.Stomp.Samples.Shell.Input;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// The shell's prompt in process, keys fed one by one: editing, history, and Tab completion of commands and of the
/// destinations a real session (on an embedded broker) subscribed to.
/// </summary>
[TestFixture]
public sealed class ShellInputTests : IDisposable
{
    private StompBroker _broker = null!;
    private StompClient _client = null!;
    private ShellSession _session = null!;
    private StringWriter _stdout = null!;
    private ShellOutput _output = null!;

    [OneTimeSetUp]
    public async Task Connect()
    {
        _broker = await StompBroker.StartAsync();
        _client = new StompClient(new StompClientOptions { Endpoints = [_broker.Endpoint] });
        await _client.ConnectAsync();
        _stdout = new StringWriter();
        _output = new ShellOutput(_stdout, new StringWriter());
        _session = new ShellSession(_client, _output, new ReceivedFiles(Path.GetTempPath()), verbose: false, []);
        await _session.ExecuteAsync("subscribe /queue/alpha", CancellationToken.None);
        await _session.ExecuteAsync("subscribe /topic/beta", CancellationToken.None);
        Assert.That(_session.ExitCode, Is.Zero, _stdout.ToString());
    }

    [OneTimeTearDown]
    public async Task Disconnect()
    {
        await _session.DisposeAsync();
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose() => _stdout.Dispose();

    [Test]
    public void Tab_completes_a_command_then_a_subscribed_destination()
    {
        Assert.That(Type("uns\t/q\t\r"), Is.EqualTo("unsubscribe /queue/alpha "));
    }

    [Test]
    public void Tab_extends_to_the_common_prefix_and_a_second_tab_lists_the_choices()
    {
        var editor = Editor("se\t\t\r");

        Assert.That(editor.ReadLine(), Is.EqualTo("send"));
        Assert.That(_stdout.ToString(), Does.Contain("send  sendfile  sendrec  sendreply"));
    }

    [TestCase("subscribe /queue/x cl\t\r", "subscribe /queue/x client")]
    [TestCase("stats o\t\r", "stats o")]
    [TestCase("stats of\t\r", "stats off ")]
    [TestCase("help rollb\t\r", "help rollback ")]
    [TestCase("send /topic/b\thello\r", "send /topic/beta hello")]
    [TestCase("send /topic/beta hel\t\r", "send /topic/beta hel")]
    [TestCase("ack a\t\r", "ack all ")]
    public void Tab_completes_each_argument_by_its_kind(string keys, string line)
    {
        Assert.That(Type(keys), Is.EqualTo(line));
    }

    [Test]
    public void Arrows_home_end_backspace_delete_and_ctrl_k_edit_the_line()
    {
        var keys = Keys("helo").Append(Key(ConsoleKey.LeftArrow)).Concat(Keys("l")).Append(Key(ConsoleKey.Home)).Append(Key(ConsoleKey.Delete))
            .Concat(Keys("H")).Append(Key(ConsoleKey.End)).Concat(Keys(" worldx")).Append(Key(ConsoleKey.Backspace))
            .Append(Key(ConsoleKey.LeftArrow)).Append(Key(ConsoleKey.LeftArrow)).Append(Ctrl(ConsoleKey.K)).Append(Key(ConsoleKey.Enter));

        Assert.That(Editor(keys).ReadLine(), Is.EqualTo("Hello wor"));
    }

    [Test]
    public void Up_and_down_recall_earlier_lines_and_ctrl_d_on_an_empty_line_ends_the_input()
    {
        var editor = Editor(Keys("version\r").Concat(Keys("stats\r")).Append(Key(ConsoleKey.UpArrow)).Append(Key(ConsoleKey.UpArrow))
            .Append(Key(ConsoleKey.DownArrow)).Append(Key(ConsoleKey.Enter)).Append(Ctrl(ConsoleKey.D)));

        Assert.That(editor.ReadLine(), Is.EqualTo("version"));
        Assert.That(editor.ReadLine(), Is.EqualTo("stats"));
        Assert.That(editor.ReadLine(), Is.EqualTo("stats"));
        Assert.That(editor.ReadLine(), Is.Null);
    }

    [Test]
    public void Output_while_typing_lands_above_the_prompt_which_is_drawn_again_with_the_typed_text()
    {
        var keys = new Queue<ConsoleKeyInfo>(Keys("sen"));
        var editor = new LineEditor(_output, new Completer(_session), () =>
        {
            if (keys.Count == 0)
            {
                _output.Line("MESSAGE /queue/alpha");
                return Key(ConsoleKey.Enter);
            }

            return keys.Dequeue();
        });
        _output.SetPrompt(editor);
        try
        {
            Assert.That(editor.ReadLine(), Is.EqualTo("sen"));
        }
        finally
        {
            _output.SetPrompt(null);
        }

        var text = Regex.Replace(_stdout.ToString(), @"\u001b\[[0-9;?]*[A-Za-z]", "");
        var message = text.LastIndexOf("MESSAGE /queue/alpha", StringComparison.Ordinal);
        Assert.That(message, Is.GreaterThan(0), text);
        Assert.That(text[message..], Does.Contain("> sen"), "the prompt and its text are drawn again after the message");
    }

    private string Type(string keys) => Editor(keys).ReadLine()!;

    private LineEditor Editor(string keys) => Editor(Keys(keys));

    private LineEditor Editor(IEnumerable<ConsoleKeyInfo> keys)
    {
        var queue = new Queue<ConsoleKeyInfo>(keys);
        return new LineEditor(_output, new Completer(_session), queue.Dequeue);
    }

    private static IEnumerable<ConsoleKeyInfo> Keys(string typed) => typed.Select(c => c switch
    {
        '\t' => Key(ConsoleKey.Tab),
        '\r' => Key(ConsoleKey.Enter),
        _ => new ConsoleKeyInfo(c, ConsoleKey.NoName, char.IsUpper(c), false, false),
    });

    private static ConsoleKeyInfo Key(ConsoleKey key) => new(key switch { ConsoleKey.Tab => '\t', ConsoleKey.Enter => '\r', _ => '\0' }, key, false, false, false);

    private static ConsoleKeyInfo Ctrl(ConsoleKey key) => new('\0', key, false, false, true);
}

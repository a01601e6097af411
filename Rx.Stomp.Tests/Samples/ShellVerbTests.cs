using Rx.Stomp.Samples.Cli;
using Rx.Stomp.Samples.Shell;

namespace Rx.Stomp.Tests.Samples;

/// <summary>How a shell command line is split into arguments.</summary>
[TestFixture]
public sealed class ShellVerbTests
{
    [TestCase("send", " /queue/a  hello   big  world ", new[] { "/queue/a", "hello   big  world" })]
    [TestCase("sendreply", "/queue/a cid-1 the answer", new[] { "/queue/a", "cid-1", "the answer" })]
    [TestCase("subscribe", "/queue/a", new[] { "/queue/a" })]
    [TestCase("subscribe", "/queue/a\tclient", new[] { "/queue/a", "client" })]
    [TestCase("sendfile", "/queue/a f.bin h.json", new[] { "/queue/a", "f.bin", "h.json" })]
    [TestCase("begin", "", new string[0])]
    public void Arguments_split_at_white_space_and_the_last_text_argument_takes_the_rest(string verb, string rest, string[] expected)
    {
        var args = ShellVerbs.Find(verb)!.Bind(rest);

        Assert.That(Enumerable.Range(0, args.Count).Select(i => args[i]), Is.EqualTo(expected));
    }

    [TestCase("send", "/queue/a")]
    [TestCase("subscribe", "")]
    [TestCase("subscribe", "/queue/a client extra")]
    [TestCase("begin", "now")]
    [TestCase("sendreply", "/queue/a cid-1")]
    public void Too_few_or_too_many_arguments_give_the_usage(string verb, string rest)
    {
        var command = ShellVerbs.Find(verb)!;

        Assert.That(() => command.Bind(rest), Throws.TypeOf<UsageException>().With.Message.EqualTo("Usage: " + command.Usage));
    }

    [TestCase("rollback", "abort")]
    [TestCase("exit", "quit")]
    [TestCase("EOF", "quit")]
    [TestCase("ver", "version")]
    public void Aliases_find_their_command(string alias, string name)
    {
        Assert.That(ShellVerbs.Find(alias)!.Name, Is.EqualTo(name));
    }
}

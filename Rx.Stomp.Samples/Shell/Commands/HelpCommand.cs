using Rx.Stomp.Samples.Cli;
using Spectre.Console;

namespace Rx.Stomp.Samples.Shell.Commands;

/// <summary><c>help</c> lists the commands; <c>help &lt;command&gt;</c> explains one.</summary>
internal static class HelpCommand
{
    public static readonly ShellVerb Help = new(
        "help", "help [command]", "List the commands, or explain one.", "",
        [ArgumentKind.Command], 0, HelpAsync)
    {
        Aliases = ["?"],
    };

    private static readonly Style Heading = new(Color.Green, decoration: Decoration.Bold);

    private static Task HelpAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        if (args.Optional(0) is { } name)
        {
            var verb = ShellVerbs.Find(name) ?? throw new UsageException($"No command '{name}'; 'help' lists them.");
            shell.Output.Write(w =>
            {
                w.WriteLine("Usage: " + verb.Usage, Heading, null!);
                w.WriteLine(verb.Summary);
                if (verb.Details.Length > 0)
                {
                    w.WriteLine(verb.Details);
                }

                if (verb.Aliases.Count > 0)
                {
                    w.WriteLine("Also: " + string.Join(", ", verb.Aliases));
                }
            });
            return Task.CompletedTask;
        }

        var width = ShellVerbs.All.Max(v => v.Usage.Length);
        shell.Output.Write(w =>
        {
            w.WriteLine("Commands ('help <command>' for more):", Heading, null!);
            foreach (var verb in ShellVerbs.All)
            {
                w.WriteLine($"  {verb.Usage.PadRight(width)}  {verb.Summary}");
            }
        });
        return Task.CompletedTask;
    }
}

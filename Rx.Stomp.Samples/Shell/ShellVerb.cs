using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// One shell command: its name and aliases, its help, its arguments, and what it does. Arguments are separated by
/// white space; when <see cref="TextLast"/> is set the last one takes the rest of the line as it was typed
/// (a message body with spaces).
/// </summary>
internal sealed record ShellVerb(
    string Name,
    string Usage,
    string Summary,
    string Details,
    IReadOnlyList<ArgumentKind> Arguments,
    int Required,
    Func<ShellSession, ShellArgs, CancellationToken, Task> RunAsync)
{
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public bool TextLast { get; init; }

    /// <summary>Splits <paramref name="rest"/> (the line after the command's name) into its arguments.</summary>
    /// <exception cref="UsageException">Too few or too many arguments.</exception>
    public ShellArgs Bind(string rest)
    {
        var values = new List<string>();
        var text = rest.Trim();
        while (text.Length > 0 && values.Count < Arguments.Count)
        {
            if (TextLast && values.Count == Arguments.Count - 1)
            {
                values.Add(text);
                break;
            }

            var end = text.IndexOfAny([' ', '\t']);
            values.Add(end < 0 ? text : text[..end]);
            text = end < 0 ? "" : text[end..].TrimStart();
        }

        return values.Count < Required || (text.Length > 0 && !TextLast && values.Count == Arguments.Count)
            ? throw new UsageException("Usage: " + Usage)
            : new ShellArgs(values);
    }
}

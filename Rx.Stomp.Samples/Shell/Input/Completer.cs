namespace Rx.Stomp.Samples.Shell.Input;

/// <summary>
/// Tab completion: the command names for the first word, then, per argument of the command, what fits there
/// (<see cref="ArgumentKind"/>): subscribed destinations first, ack modes, pending message ids, files…
/// </summary>
internal sealed class Completer(ShellSession shell)
{
    private static readonly string[] AckModes = ["auto", "client", "client-individual"];
    private static readonly string[] OnOff = ["on", "off"];

    /// <summary>What may complete the word that ends at <paramref name="cursor"/> in <paramref name="line"/>.</summary>
    public Completion Complete(string line, int cursor)
    {
        var before = line[..cursor];
        var start = before.LastIndexOfAny([' ', '\t']) + 1;
        var word = before[start..];
        var words = before[..start].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return new Completion(start, Matching(ShellVerbs.Names, word));
        }

        var verb = ShellVerbs.Find(words[0]);
        var index = words.Length - 1;
        if (verb is null || index >= verb.Arguments.Count || (verb.TextLast && index == verb.Arguments.Count - 1))
        {
            return new Completion(start, []);
        }

        return new Completion(start, verb.Arguments[index] switch
        {
            ArgumentKind.Subscribed => Matching(shell.Subscriptions.Destinations, word),
            ArgumentKind.Destination => Matching(shell.Subscriptions.Destinations.Union(shell.KnownDestinations, StringComparer.Ordinal), word),
            ArgumentKind.AckMode => Matching(AckModes, word),
            ArgumentKind.MessageId => Matching(shell.Pending.Ids.Append(PendingAcks.All), word),
            ArgumentKind.Command => Matching(ShellVerbs.Names, word),
            ArgumentKind.OnOff => Matching(OnOff, word),
            ArgumentKind.Path => Files(word),
            _ => [],
        });
    }

    private static List<string> Matching(IEnumerable<string> options, string word) =>
        [.. options.Where(o => o.StartsWith(word, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)];

    /// <summary>Files and directories (with a trailing slash) whose path starts with <paramref name="word"/>.</summary>
    private static List<string> Files(string word)
    {
        var slash = word.LastIndexOf('/');
        var directory = slash < 0 ? "" : word[..(slash + 1)];
        try
        {
            return
            [
                .. new DirectoryInfo(directory.Length == 0 ? "." : directory)
                    .EnumerateFileSystemInfos(word[(slash + 1)..] + "*")
                    .Select(entry => directory + entry.Name + (entry is DirectoryInfo ? "/" : ""))
                    .Order(StringComparer.Ordinal),
            ];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }
    }
}

using System.Text.RegularExpressions;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// The stdout of <c>rxstomp shell</c> (terse mode), split into what arrived (each MESSAGE line with the body line
/// after it) and what the commands printed: each part is in a deterministic order, although the two interleave as
/// the broker's timing has it. Message ids, which brokers make up, become <c>id:*</c>.
/// </summary>
internal static partial class ShellTranscript
{
    public static (List<string> Messages, List<string> Results) Split(IReadOnlyList<string> stdout)
    {
        var messages = new List<string>();
        var results = new List<string>();
        for (var i = 0; i < stdout.Count; i++)
        {
            if (stdout[i].StartsWith("MESSAGE ", StringComparison.Ordinal) && i + 1 < stdout.Count)
            {
                messages.Add(MessageId().Replace(stdout[i], "id:*") + " | " + stdout[++i]);
            }
            else
            {
                results.Add(stdout[i]);
            }
        }

        return (messages, results);
    }

    [GeneratedRegex(@"id:\S+")]
    private static partial Regex MessageId();
}

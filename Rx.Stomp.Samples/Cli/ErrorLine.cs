using System.Text.RegularExpressions;

namespace Rx.Stomp.Samples.Cli;

/// <summary>Writes a failure as one line on stderr, with every known secret masked.</summary>
internal static partial class ErrorLine
{
    private const string Mask = "***";

    public static void Write(string message, IEnumerable<string?> secrets) =>
        Console.Error.WriteLine("rxstomp: " + Format(message, secrets));

    /// <summary>The message on one line (runs of white space, newlines included, become one space), secrets masked.</summary>
    public static string Format(string message, IEnumerable<string?> secrets)
    {
        var line = Whitespace().Replace(message, " ").Trim();
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)).OrderByDescending(s => s!.Length))
        {
            line = line.Replace(secret!, Mask, StringComparison.Ordinal);
        }

        return line;
    }

    /// <summary>The passwords on a command line: values of -W/--password and the password of stomp:// URLs.</summary>
    public static IEnumerable<string?> SecretsIn(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if ((arg is "-W" or "--password") && i + 1 < args.Count)
            {
                yield return args[i + 1];
            }
            else if (arg.StartsWith("--password=", StringComparison.Ordinal) || arg.StartsWith("-W=", StringComparison.Ordinal))
            {
                yield return arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
            }
            else if (UrlPassword().Match(arg) is { Success: true } match)
            {
                yield return match.Groups[1].Value;
                yield return Uri.UnescapeDataString(match.Groups[1].Value);
            }
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"://[^:/@\s]*:([^@\s]+)@")]
    private static partial Regex UrlPassword();
}

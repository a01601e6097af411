namespace Rx.Stomp.Samples.Shell.Input;

/// <summary>What may replace the word before the cursor, which starts at <see cref="Start"/>.</summary>
internal sealed record Completion(int Start, IReadOnlyList<string> Candidates)
{
    /// <summary>The longest text every candidate starts with.</summary>
    public string CommonPrefix()
    {
        if (Candidates.Count == 0)
        {
            return "";
        }

        var prefix = Candidates[0];
        foreach (var candidate in Candidates.Skip(1))
        {
            var n = 0;
            while (n < prefix.Length && n < candidate.Length && prefix[n] == candidate[n])
            {
                n++;
            }

            prefix = prefix[..n];
        }

        return prefix;
    }
}

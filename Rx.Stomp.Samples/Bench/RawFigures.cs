using System.Globalization;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// What <c>raw_limit</c> printed: one line per workload, e.g. <c>publish 50000 1.826 27371 cpu_us=9.12</c> (count,
/// seconds, rate, its own process CPU per message) and <c>rtt 2000 p50_us=85 p99_us=160</c>.
/// </summary>
internal sealed record RawFigures(Figures Publish, Figures Consume, Figures RoundTrips)
{
    private const string CpuPrefix = "cpu_us=";

    /// <exception cref="IOException">The output is not what raw_limit prints.</exception>
    public static RawFigures Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(words => words[0], words => words[1..]);
        try
        {
            var rtt = lines["rtt"];
            return new RawFigures(Throughput(lines["publish"]), Throughput(lines["consume"]),
                new Figures((long)Number(rtt[0]), 0, null, null, Number(rtt[1]["p50_us=".Length..]), Number(rtt[2]["p99_us=".Length..])));
        }
        catch (Exception e) when (e is KeyNotFoundException or IndexOutOfRangeException or FormatException or ArgumentOutOfRangeException)
        {
            throw new IOException($"Unexpected raw_limit output: {output.Trim()}", e);
        }
    }

    /// <summary>Count, seconds, rate, and <c>cpu_us=</c> where this raw_limit prints it (older ones did not).</summary>
    private static Figures Throughput(string[] words)
    {
        var cpu = words.FirstOrDefault(w => w.StartsWith(CpuPrefix, StringComparison.Ordinal)) is { } field ? Number(field[CpuPrefix.Length..]) : (double?)null;
        return new Figures((long)Number(words[0]), Number(words[1]), cpu, null);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

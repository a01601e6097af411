using System.ComponentModel;
using System.Globalization;
using Rx.Stomp.Samples.Cli;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Bench;

/// <summary>The arguments of <c>rxstomp bench</c>.</summary>
internal sealed class BenchSettings : ConnectionSettings
{
    [CommandOption("-n|--count <N>")]
    [Description("Messages per publish and consume run (default 1000000 against the null peer, else 50000).")]
    public long? Count { get; set; }

    [CommandOption("-b|--size <BYTES>")]
    [Description("Body size of publish and consume (default 128).")]
    public int Size { get; set; } = 128;

    [CommandOption("-r|--round-trips <R>")]
    [Description("Round trips of the rtt workload (default 2000).")]
    public int RoundTrips { get; set; } = 2000;

    [CommandOption("--peer <DIR>")]
    [Description("Build raw_peer.c from the shared bench DIR, start it, and measure against it (the null peer).")]
    public string? Peer { get; set; }

    [CommandOption("--compare <DIR>")]
    [Description("Build raw_limit.c from the shared bench DIR and run it against the same target in the same run; print ratios.")]
    public string? Compare { get; set; }

    [CommandOption("--repeat <K>")]
    [Description("Run everything K times and report medians (default 1).")]
    public int Repeat { get; set; } = 1;

    [CommandOption("--sizes <LIST>")]
    [Description("Also measure publish and consume per body size, e.g. 16,128,1024,65536,4000000 (raw_peer takes frames under 4 MiB).")]
    public string? Sizes { get; set; }

    [CommandOption("--chart <PNG>")]
    [Description("Draw throughput against body size (needs --sizes) into this PNG file.")]
    public string? Chart { get; set; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("Give up on a workload after this long (default 300).")]
    public int TimeoutSeconds { get; set; } = 300;

    /// <summary>Whether the target is the broker the options name, rather than the embedded broker or the null peer.</summary>
    public bool NamesBroker => Url is not null || Host is not null || Port is not null;

    public long CountOrDefault => Count ?? (Peer is null ? 50_000 : 1_000_000);

    /// <exception cref="UsageException">A value out of range.</exception>
    public IReadOnlyList<int> ParseSizes()
    {
        if (Size < 1 || RoundTrips < 1 || Repeat < 1 || CountOrDefault < 1 || TimeoutSeconds < 1)
        {
            throw new UsageException("--size, --round-trips, --repeat, --count and --timeout must be positive.");
        }

        if (Peer is not null && NamesBroker)
        {
            throw new UsageException("--peer measures against the null peer: leave out --url, --host and --port.");
        }

        if (Chart is not null && Sizes is null)
        {
            throw new UsageException("--chart draws the --sizes sweep: give --sizes too.");
        }

        return Sizes is null
            ? []
            : Sizes.Split(',').Select(text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
                ? size
                : throw new UsageException($"--sizes: '{text}' is not a positive number of bytes.")).ToArray();
    }
}

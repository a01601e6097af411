using System.ComponentModel;
using System.Globalization;
using Rx.Stomp.Samples.Cli;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Bench;

/// <summary>The arguments of <c>rxstomp bench</c>.</summary>
internal sealed class BenchSettings : ConnectionSettings
{
    [CommandOption("-n|--count <N>")]
    [Description("Messages per publish and consume run (default 1000000 against a null peer, else 50000).")]
    public long? Count { get; set; }

    [CommandOption("-b|--size <BYTES>")]
    [Description("Body size of publish and consume (default 128).")]
    public int Size { get; set; } = 128;

    [CommandOption("-r|--round-trips <R>")]
    [Description("Round trips of the rtt workload (default 2000).")]
    public int RoundTrips { get; set; } = 2000;

    [CommandOption("--peer [DIR]")]
    [Description("Measure against a null peer, a STOMP peer that costs almost nothing: rxstomp's own (rxstomp null-peer, in a process of its own), or with DIR the shared bench's raw_peer.c, built from DIR.")]
    public FlagValue<string>? Peer { get; set; }

    /// <summary>The shared bench directory whose raw_peer.c to run, when --peer names one.</summary>
    public string? RawPeer => Peer is { IsSet: true, Value: { Length: > 0 } directory } ? directory : null;

    [CommandOption("--compare <DIR>")]
    [Description("Build raw_limit.c from the shared bench DIR and run it against the same target in the same run; print ratios.")]
    public string? Compare { get; set; }

    [CommandOption("--repeat <K>")]
    [Description("Run everything K times and report medians (default 1).")]
    public int Repeat { get; set; } = 1;

    [CommandOption("--no-warm-up")]
    [Description("Skip the untimed warm-up: the workloads run once, cold, as the reference clients run them (to compare a whole process's CPU with theirs).")]
    public bool NoWarmUp { get; set; }

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

    /// <summary>Whether the target is a null peer, rxstomp's or raw_peer.c.</summary>
    public bool NullPeer => Peer?.IsSet == true;

    public long CountOrDefault => Count ?? (NullPeer ? 1_000_000 : 50_000);

    /// <exception cref="UsageException">A value out of range.</exception>
    public IReadOnlyList<int> ParseSizes()
    {
        if (Size < 1 || RoundTrips < 1 || Repeat < 1 || CountOrDefault < 1 || TimeoutSeconds < 1)
        {
            throw new UsageException("--size, --round-trips, --repeat, --count and --timeout must be positive.");
        }

        if (NullPeer && NamesBroker)
        {
            throw new UsageException("--peer measures against a null peer: leave out --url, --host and --port.");
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

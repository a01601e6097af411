using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// The shared bench's C programs, built with <c>cc -O2</c> into a directory of this run: <c>raw_limit</c>, the
/// fastest possible client, and <c>raw_peer</c>, the STOMP peer that costs almost nothing.
/// </summary>
internal sealed class RawTools : IDisposable
{
    private readonly string _directory;

    private RawTools(string directory) => _directory = directory;

    public string LimitPath => Path.Combine(_directory, "raw_limit");

    public string PeerPath => Path.Combine(_directory, "raw_peer");

    /// <exception cref="UsageException">The sources are not there or do not compile.</exception>
    public static async Task<RawTools> BuildAsync(string sourceDirectory, CancellationToken cancellationToken)
    {
        var tools = new RawTools(Directory.CreateTempSubdirectory("rxstomp-bench-").FullName);
        try
        {
            foreach (var name in new[] { "raw_limit", "raw_peer" })
            {
                var source = Path.Combine(sourceDirectory, name + ".c");
                if (!File.Exists(source))
                {
                    throw new UsageException($"{source} does not exist: --compare and --peer take the shared bench directory.");
                }

                var (code, output) = await RunAsync("cc", ["-O2", "-o", Path.Combine(tools._directory, name), source], null, cancellationToken);
                if (code != 0)
                {
                    throw new UsageException($"cc failed on {source}: {output.Trim()}");
                }
            }

            return tools;
        }
        catch
        {
            tools.Dispose();
            throw;
        }
    }

    /// <summary>Runs the raw client's three workloads against <paramref name="host"/>:<paramref name="port"/>.</summary>
    public async Task<RawFigures> RunLimitAsync(string host, int port, long count, int size, int trips, bool nullPeer, CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync(LimitPath,
            [host, port.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), size.ToString(CultureInfo.InvariantCulture), trips.ToString(CultureInfo.InvariantCulture)],
            nullPeer ? "1" : null, cancellationToken);
        return code == 0
            ? RawFigures.Parse(output)
            : throw new IOException($"raw_limit exited with {code}: {output.Trim()}");
    }

    /// <summary>Starts the null peer on a free loopback port and waits until it accepts connections.</summary>
    public async Task<RawPeer> StartPeerAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(PeerPath, port.ToString(CultureInfo.InvariantCulture)) { RedirectStandardError = true })
            ?? throw new IOException("raw_peer did not start.");
        var peer = new RawPeer(process, port);
        try
        {
            await peer.WaitUntilListeningAsync(cancellationToken);
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, string? peerVariable, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (peerVariable is not null)
        {
            start.Environment["PEER"] = peerVariable;
        }

        using var process = Process.Start(start) ?? throw new IOException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>A running <c>raw_peer</c>: one connection at a time, so every client of the run takes its turn.</summary>
internal sealed class RawPeer(Process process, int port) : IDisposable
{
    public int Port => port;

    public async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (attempt < 50 && !process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }
}

/// <summary>What <c>raw_limit</c> printed: one line per workload.</summary>
internal sealed record RawFigures(Figures Publish, Figures Consume, Figures RoundTrips)
{
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

    private static Figures Throughput(string[] words) => new((long)Number(words[0]), Number(words[1]), null, null);

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

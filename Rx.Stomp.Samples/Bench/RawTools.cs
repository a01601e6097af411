using System.Diagnostics;
using System.Globalization;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// The shared bench's C programs, built with <c>cc -O2</c> into a directory of this run: <c>raw_limit</c>, the
/// fastest possible client (<c>--compare</c>), and <c>raw_peer</c>, its null peer (<c>--peer DIR</c>).
/// </summary>
internal sealed class RawTools : IDisposable
{
    private readonly string _directory;

    private RawTools(string directory) => _directory = directory;

    public string LimitPath => Path.Combine(_directory, "raw_limit");

    public string PeerPath => Path.Combine(_directory, "raw_peer");

    /// <summary>Builds the programs <paramref name="names"/> (<c>raw_limit</c>, <c>raw_peer</c>) from <paramref name="sourceDirectory"/>.</summary>
    /// <exception cref="UsageException">The sources are not there or do not compile.</exception>
    public static async Task<RawTools> BuildAsync(string sourceDirectory, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var tools = new RawTools(Directory.CreateTempSubdirectory("rxstomp-bench-").FullName);
        try
        {
            foreach (var name in names)
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

    /// <summary>Starts the built <c>raw_peer</c>.</summary>
    public Task<PeerProcess> StartPeerAsync(CancellationToken cancellationToken) => PeerProcess.StartRawPeerAsync(PeerPath, cancellationToken);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

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

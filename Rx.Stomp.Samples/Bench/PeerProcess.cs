using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Rx.Stomp.Samples.Bench.NullPeer;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// A null peer running in a process of its own, so that its CPU is never counted as the client's: rxstomp's own
/// (<c>rxstomp null-peer</c>), or the shared bench's <c>raw_peer</c>. Disposing ends it.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process, int port, string name)
    {
        _process = process;
        Port = port;
        Name = name;
    }

    public int Port { get; }

    /// <summary>Which peer it is, for the report.</summary>
    public string Name { get; }

    /// <summary>Starts <c>rxstomp null-peer</c> (this program again) and reads the port it listens on.</summary>
    /// <exception cref="IOException">It did not start, or did not say where it listens.</exception>
    public static async Task<PeerProcess> StartNullPeerAsync(CancellationToken cancellationToken)
    {
        var start = SelfStart("null-peer");
        start.RedirectStandardInput = true;    // it ends when this stdin closes, that is when the bench ends
        start.RedirectStandardOutput = true;
        var process = Process.Start(start) ?? throw new IOException("rxstomp null-peer did not start.");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
            return line is not null && line.StartsWith(NullPeerCommand.Listening, StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(NullPeerCommand.Listening.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                ? new PeerProcess(process, port, "rxstomp null-peer")
                : throw new IOException($"rxstomp null-peer said '{line}' instead of where it listens.");
        }
        catch
        {
            End(process);
            throw;
        }
    }

    /// <summary>Starts the shared bench's <c>raw_peer</c> (built from C) on a free port and waits until it accepts connections.</summary>
    /// <exception cref="IOException">It did not start or does not listen.</exception>
    public static async Task<PeerProcess> StartRawPeerAsync(string path, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(path, port.ToString(CultureInfo.InvariantCulture)) { RedirectStandardError = true })
            ?? throw new IOException("raw_peer did not start.");
        var peer = new PeerProcess(process, port, "raw_peer.c");
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

    public void Dispose()
    {
        End(_process);
        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException) when (attempt < 50 && !_process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }

    /// <summary>This program, with <paramref name="command"/>: through the dotnet host when it runs as <c>dotnet rxstomp.dll</c>.</summary>
    private static ProcessStartInfo SelfStart(string command)
    {
        var host = Environment.ProcessPath ?? throw new IOException("This process has no path to start again.");
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host, [Assembly.GetEntryAssembly()!.Location, command])
            : new ProcessStartInfo(host, [command]);
    }

    private static void End(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

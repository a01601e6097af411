using System.Diagnostics;
using System.Text;

namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// One run of the rxstomp program as a child process (<c>dotnet rxstomp.dll …</c>), its stdout and stderr
/// collected line by line. Disposing kills it if it still runs.
/// </summary>
internal sealed class RxStompProcess : IDisposable
{
    private static readonly Lazy<string> Dll = new(FindDll);
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<(List<string> Lines, Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    private RxStompProcess(IEnumerable<string> args, string? input, bool keepInputOpen = false)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll.Value);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Arguments = string.Join(' ', start.ArgumentList.Skip(1));
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (input is not null)
        {
            _process.StandardInput.Write(input);
        }

        if (!keepInputOpen)
        {
            _process.StandardInput.Close();
        }
    }

    /// <summary>How long any single wait of a test may take.</summary>
    public static TimeSpan WaitLimit { get; } = TimeSpan.FromSeconds(30);

    public string Arguments { get; }

    public int Id => _process.Id;

    public IReadOnlyList<string> Stdout
    {
        get
        {
            lock (_stdout)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> Stderr
    {
        get
        {
            lock (_stderr)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Everything printed, stdout then stderr.</summary>
    public string Output => string.Join('\n', Stdout.Concat(Stderr));

    /// <summary>The command line and everything printed, for assertion messages.</summary>
    public string Transcript => $"rxstomp {Arguments}\n--- stdout:\n{string.Join('\n', Stdout)}\n--- stderr:\n{string.Join('\n', Stderr)}";

    public static RxStompProcess Start(params IEnumerable<string> args) => new(args, null);

    /// <summary>Starts rxstomp with <paramref name="input"/> as its whole stdin (then closed).</summary>
    public static RxStompProcess StartWithInput(string input, params IEnumerable<string> args) => new(args, input);

    /// <summary>Starts rxstomp with its stdin left open: <see cref="WriteLineAsync"/>, then <see cref="CloseInput"/>.</summary>
    public static RxStompProcess StartWithOpenInput(params IEnumerable<string> args) => new(args, null, keepInputOpen: true);

    /// <summary>Writes a line to the stdin of a process started with <see cref="StartWithOpenInput"/>.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Ends the stdin of a process started with <see cref="StartWithOpenInput"/>.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Runs rxstomp to its end and returns it (exited).</summary>
    public static Task<RxStompProcess> RunAsync(params IEnumerable<string> args) => RunWithInputAsync(null, args);

    /// <summary>Runs rxstomp with <paramref name="input"/> as its stdin (none if null) to its end and returns it (exited).</summary>
    public static async Task<RxStompProcess> RunWithInputAsync(string? input, params IEnumerable<string> args)
    {
        var process = new RxStompProcess(args, input);
        try
        {
            await process.WaitForExitAsync();
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Waits (at most <see cref="WaitLimit"/>) for the process to end, its output read to the end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"rxstomp did not exit within {WaitLimit.TotalSeconds} s.\n{Transcript}");
        }

        return _process.ExitCode;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits (at most <see cref="WaitLimit"/>) for a stderr line that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForStderrAsync(Func<string, bool> match) => WaitForLineAsync(_stderr, match);

    /// <summary>Waits (at most <see cref="WaitLimit"/>) for a stdout line that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForStdoutAsync(Func<string, bool> match) => WaitForLineAsync(_stdout, match);

    private async Task<string> WaitForLineAsync(List<string> lines, Func<string, bool> match)
    {
        TaskCompletionSource<string> found;
        lock (lines)
        {
            if (lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiters)
            {
                _waiters.Add((lines, match, found));
            }
        }

        var ended = _process.WaitForExitAsync();
        Task first;
        try
        {
            first = await Task.WhenAny(found.Task, ended).WaitAsync(WaitLimit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"No awaited line within {WaitLimit.TotalSeconds} s.\n{Transcript}");
            throw;
        }

        if (first == found.Task)
        {
            return await found.Task;
        }

        Assert.Fail("rxstomp ended before printing the awaited line.\n" + Transcript);
        return "";
    }

    /// <summary>Sends a POSIX signal (e.g. TERM) with kill(1).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var limit = new CancellationTokenSource(WaitLimit);
        await kill.WaitForExitAsync(limit.Token);
    }

    private void OnLine(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
            lock (_waiters)
            {
                foreach (var waiter in _waiters.Where(w => ReferenceEquals(w.Lines, lines) && w.Match(line)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Found.TrySetResult(line);
                }
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }

        _process.Dispose();
    }

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// rxstomp.dll: beside the test assembly (the project reference copies it there, with its runtimeconfig), else
    /// in Rx.Stomp.Samples/bin/&lt;configuration&gt;/&lt;tfm&gt;/, the test's own configuration first.
    /// </summary>
    private static string FindDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (File.Exists(Path.Combine(here.FullName, "rxstomp.dll")) && File.Exists(Path.Combine(here.FullName, "rxstomp.runtimeconfig.json")))
        {
            return Path.Combine(here.FullName, "rxstomp.dll");
        }

        var tfm = here.Name;
        var configuration = here.Parent?.Name ?? "Debug";
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var bin = new DirectoryInfo(Path.Combine(dir.FullName, "Rx.Stomp.Samples", "bin"));
            if (!bin.Exists)
            {
                continue;
            }

            var candidates = new[] { Path.Combine(bin.FullName, configuration, tfm, "rxstomp.dll") }
                .Concat(bin.EnumerateFiles("rxstomp.dll", SearchOption.AllDirectories).OrderByDescending(f => f.LastWriteTimeUtc).Select(f => f.FullName));
            if (candidates.FirstOrDefault(File.Exists) is { } found)
            {
                return found;
            }
        }

        throw new FileNotFoundException($"rxstomp.dll is neither beside the tests ({here.FullName}) nor under Rx.Stomp.Samples/bin; build Rx.Stomp.Samples.");
    }
}

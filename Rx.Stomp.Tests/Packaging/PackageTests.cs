using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using Rx.Stomp.Tests.Readme;

namespace Rx.Stomp.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of the solution as built for this test run (<c>--no-build</c>): the library's package carries
/// its readme, licence, tags and symbols, and rxstomp is a .NET tool that installs from the packed folder into a
/// tool path of its own and runs.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PackageTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly string Version = typeof(Rx.Stomp.Client.StompClient).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
    private string _work = null!;
    private string _packages = null!;

    [OneTimeSetUp]
    public async Task Pack()
    {
        _work = Directory.CreateTempSubdirectory("rxstomp-pack-").FullName;
        _packages = Path.Combine(_work, "packages");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var (code, output) = await DotnetAsync("pack", Path.Combine(ReadmeExamples.RepositoryRoot(), "Rx.Stomp.sln"), "--no-build", "-c", configuration, "-o", _packages);
        Assert.That(code, Is.EqualTo(0), output);
    }

    [OneTimeTearDown]
    public void CleanUp() => Directory.Delete(_work, recursive: true);

    [Test]
    public void The_library_package_has_its_readme_licence_tags_and_symbols()
    {
        using var package = ZipFile.OpenRead(Path.Combine(_packages, $"Rx.Stomp.{Version}.nupkg"));
        var metadata = Metadata(package, "Rx.Stomp.nuspec");

        Assert.That(package.Entries.Select(e => e.FullName), Is.SupersetOf(new[] { "README.md", "LICENSE", "lib/net10.0/Rx.Stomp.dll", "lib/net10.0/Rx.Stomp.xml" }));
        Assert.That(Value(metadata, "license"), Is.EqualTo("MIT"));
        Assert.That(Value(metadata, "readme"), Is.EqualTo("README.md"));
        Assert.That(Value(metadata, "tags"), Does.Contain("stomp").And.Contain("rx"));
        Assert.That(metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("type")?.Value, Is.EqualTo("git"));
        Assert.That(File.Exists(Path.Combine(_packages, $"Rx.Stomp.{Version}.snupkg")), Is.True, "the symbols package");
    }

    [Test]
    public async Task Rxstomp_installs_as_a_dotnet_tool_from_the_packed_folder_and_runs()
    {
        using var package = ZipFile.OpenRead(Path.Combine(_packages, $"rxstomp.{Version}.nupkg"));
        Assert.That(Metadata(package, "rxstomp.nuspec").Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")?.Value, Is.EqualTo("DotnetTool"));

        var tools = Path.Combine(_work, "tools");
        var (installed, output) = await DotnetAsync("tool", "install", "rxstomp", "--tool-path", tools, "--source", _packages);
        Assert.That(installed, Is.EqualTo(0), output);

        var (code, version) = await RunAsync(Path.Combine(tools, "rxstomp"), "--version");
        Assert.That(code, Is.EqualTo(0), version);
        Assert.That(version.Trim(), Is.EqualTo($"rxstomp {Version} (Rx.Stomp {Version})"));
    }

    private static XElement Metadata(ZipArchive package, string nuspec)
    {
        using var stream = package.GetEntry(nuspec)!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    private static Task<(int Code, string Output)> DotnetAsync(params string[] arguments) =>
        RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet", arguments);

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', arguments)} did not end within {Limit}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

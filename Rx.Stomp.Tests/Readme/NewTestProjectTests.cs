using System.Diagnostics;
using System.Text.RegularExpressions;
using Rx.Stomp.Tests.Support;

namespace Rx.Stomp.Tests.Readme;

/// <summary>
/// README "Testing your code" as a new user meets it: its example is this project's <c>ConnectionBannerTests.cs</c>
/// exactly, and a fresh NUnit project that references nothing but Rx.Stomp.Testing and NUnit builds and runs it.
/// </summary>
[TestFixture]
public sealed partial class NewTestProjectTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(5);

    /// <summary>What a marble test needs from Microsoft.Reactive.Testing: the types the legacy facades forward.</summary>
    private const string MarbleTest = """
        using Microsoft.Reactive.Testing;
        using NUnit.Framework;

        namespace MyApp.Tests;

        public class MarbleTests
        {
            [Test]
            public void A_cold_observable_replays_in_virtual_time()
            {
                var clock = new TestScheduler();
                var source = clock.CreateColdObservable(ReactiveTest.OnNext(10, 'a'), ReactiveTest.OnCompleted<char>(20));
                var observed = clock.Start(() => source, created: 0, subscribed: 100, disposed: 1000);
                Assert.That(observed.Messages, Is.EqualTo(new[] { ReactiveTest.OnNext(110, 'a'), ReactiveTest.OnCompleted<char>(120) }));
            }
        }
        """;

    [Test]
    public void The_readme_shows_the_testing_example_as_it_is_here()
    {
        var example = File.ReadAllText(Path.Combine(ReadmeExamples.RepositoryRoot(), "Rx.Stomp.Tests", "Readme", "ConnectionBannerTests.cs"));

        Assert.That(TestingExample(), Is.EqualTo(example.ReplaceLineEndings("\n").Trim()));
    }

    [Test]
    public async Task A_new_project_with_only_the_kit_and_NUnit_runs_the_readme_example()
    {
        var root = ReadmeExamples.RepositoryRoot();
        var project = Directory.CreateTempSubdirectory("rxstomp-new-user-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project.FullName, "NewUser.Tests.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="NUnit" Version="4.4.0" />
                    <PackageReference Include="NUnit3TestAdapter" Version="5.2.0" />
                    <ProjectReference Include="{Path.Combine(root, "Rx.Stomp.Testing", "Rx.Stomp.Testing.csproj")}" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(project.FullName, "ConnectionBannerTests.cs"), TestingExample());
            await File.WriteAllTextAsync(Path.Combine(project.FullName, "MarbleTests.cs"), MarbleTest);

            var (exitCode, output) = await DotnetTestAsync(project.FullName);

            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Match(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+2,"), output);
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    /// <summary>The first C# block of README.md's "Testing your code" section.</summary>
    private static string TestingExample()
    {
        var readme = File.ReadAllText(Path.Combine(ReadmeExamples.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var match = TestingBlock().Match(readme);
        Assert.That(match.Success, "README.md has a \"Testing your code\" section with a csharp block");
        return match.Groups["code"].Value.Trim();
    }

    /// <summary>
    /// <c>dotnet test</c> in <paramref name="directory"/>, in this test run's configuration, so that the kit and the
    /// library it references are already built.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> DotnetTestAsync(string directory)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { "test", "-c", configuration, "--disable-build-servers" })
        {
            start.ArgumentList.Add(arg);
        }

        // The run's own test host settings are not the new project's.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(start, RunLimit);
        return (exitCode, stdout + stderr);
    }

    [GeneratedRegex(@"^## Testing your code\n.*?^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex TestingBlock();
}

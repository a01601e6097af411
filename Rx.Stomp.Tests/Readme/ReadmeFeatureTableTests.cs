using System.Reflection;
using System.Text.RegularExpressions;

namespace Rx.Stomp.Tests.Readme;

/// <summary>The README's stomp.py feature table: every test it names exists, and every row names one unless it says what is not built.</summary>
public partial class ReadmeFeatureTableTests
{
    [Test]
    public void Every_row_names_tests_that_exist_or_says_it_is_not_built()
    {
        var readme = File.ReadAllText(Path.Combine(ReadmeExamples.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var table = readme[readme.IndexOf("### Feature table", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n## ", StringComparison.Ordinal)];
        var rows = table.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        var assembly = typeof(ReadmeFeatureTableTests).Assembly;

        Assert.That(rows, Has.Count.GreaterThan(30));
        Assert.Multiple(() =>
        {
            foreach (var row in rows)
            {
                var cells = row.Split(" | ");
                var tests = cells[^1].TrimEnd('|', ' ');
                if (tests == "—")
                {
                    Assert.That(cells[1], Does.Contain("not built yet"), row);
                    continue;
                }

                Type? type = null;
                foreach (Match reference in ReferencePattern().Matches(tests))
                {
                    if (reference.Groups["path"].Success)
                    {
                        var path = reference.Groups["path"].Value.Split('/');
                        type = assembly.GetType($"Rx.Stomp.Tests.{string.Join('.', path)}");
                        Assert.That(type, Is.Not.Null, $"no test class {reference.Groups["path"].Value} ({row})");
                    }

                    if (reference.Groups["method"].Success && type is not null)
                    {
                        var method = type.GetMethod(reference.Groups["method"].Value, BindingFlags.Public | BindingFlags.Instance);
                        Assert.That(method?.GetCustomAttributes().Any(a => a is TestAttribute or TestCaseAttribute), Is.True,
                            $"no test {type.Name}.{reference.Groups["method"].Value} ({row})");
                    }
                }

                Assert.That(ReferencePattern().IsMatch(tests), Is.True, $"the row names no test: {row}");
            }
        });
    }

    /// <summary><c>`Dir/Class.Method`</c>, <c>`Dir/Class`</c>, or <c>`…Method`</c> (a method of the class named before it).</summary>
    [GeneratedRegex(@"`(?:(?<path>\w+/\w+)(?:\.(?<method>\w+))?|…(?<method>\w+))`")]
    private static partial Regex ReferencePattern();
}

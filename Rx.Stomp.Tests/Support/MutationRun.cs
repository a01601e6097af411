using System.Text.RegularExpressions;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

[assembly: Rx.Stomp.Tests.Support.MutationRun]

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// The tests of a mutation run (<c>scripts/mutation.sh</c>), chosen when the assembly is loaded. When
/// <c>RXSTOMP_MUTATION_TESTS</c> or <c>RXSTOMP_MUTATION_EXCLUDE</c> is set, a test is skipped unless its full name
/// matches the first regular expression (when set) and not the second (when set), and it needs nothing outside the test
/// process (no fixture of category <see cref="Brokers.Broker.ExternalCategory"/>); a fixture left with no test to run is skipped
/// whole, so its one-time set-up (a broker to reach, a solution to pack) does not run either. Unset, as in every other
/// run, nothing changes.
/// </summary>
/// <remarks>
/// Why not Stryker.NET's <c>--test-case-filter</c>: its discovery ignores the filter, and its initial run then counts
/// every test the filter left out as a test that never finished, and stops ("Initial test run could not be completed").
/// A skipped test reports a result, so the counts agree.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class MutationRunAttribute : Attribute, IApplyToTest
{
    private const string Reason = "Not one of this mutation run's tests (RXSTOMP_MUTATION_TESTS, RXSTOMP_MUTATION_EXCLUDE).";
    private static readonly Regex? Include = Read("RXSTOMP_MUTATION_TESTS");
    private static readonly Regex? Exclude = Read("RXSTOMP_MUTATION_EXCLUDE");

    public void ApplyToTest(NUnit.Framework.Internal.Test test)
    {
        if (Include is not null || Exclude is not null)
        {
            Select(test, external: false);
        }
    }

    /// <summary>Skips what is not selected under <paramref name="test"/>; whether anything under it still runs.</summary>
    private static bool Select(ITest test, bool external)
    {
        external = external || test.Properties[PropertyNames.Category].Contains(Brokers.Broker.ExternalCategory);
        bool runs;
        if (test.IsSuite)
        {
            runs = false;
            foreach (var child in test.Tests)
            {
                runs |= Select(child, external);
            }
        }
        else
        {
            runs = !external && (Include?.IsMatch(test.FullName) ?? true) && !(Exclude?.IsMatch(test.FullName) ?? false);
        }

        // Not the assembly itself: an assembly skipped whole reports no test at all.
        if (!runs && test is NUnit.Framework.Internal.Test skipped and not TestAssembly && skipped.RunState == RunState.Runnable)
        {
            skipped.RunState = RunState.Ignored;
            skipped.Properties.Set(PropertyNames.SkipReason, Reason);
        }

        return runs;
    }

    private static Regex? Read(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } pattern ? new Regex(pattern, RegexOptions.CultureInvariant) : null;
}

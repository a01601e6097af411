using Rx.Stomp.Broker;
using Rx.Stomp.Client;

namespace Rx.Stomp.Tests.Testing;

/// <summary>The library ships no test code: the broker and the kit live in Rx.Stomp.Testing.dll only.</summary>
public class KitSeparationTests
{
    [Test]
    public void The_library_holds_no_broker_and_no_test_kit_type()
    {
        var library = typeof(StompClient).Assembly;

        Assert.That(library.GetTypes().Select(t => t.Namespace).Distinct(), Has.None.StartsWith("Rx.Stomp.Broker").And.None.StartsWith("Rx.Stomp.Testing"));
        Assert.That(typeof(StompBroker).Assembly.GetName().Name, Is.EqualTo("Rx.Stomp.Testing"));
        Assert.That(typeof(TestListener).Assembly.GetName().Name, Is.EqualTo("Rx.Stomp.Testing"));
    }

    [Test]
    public void The_library_depends_on_reactive_extensions_dynamic_data_and_logging_abstractions_only()
    {
        var references = typeof(StompClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n == "System.Reactive" || !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib"));

        Assert.That(references, Is.EquivalentTo(new[] { "System.Reactive", "DynamicData", "Microsoft.Extensions.Logging.Abstractions" }));
    }
}

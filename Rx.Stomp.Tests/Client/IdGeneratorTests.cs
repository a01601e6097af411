using Rx.Stomp.Client;

namespace Rx.Stomp.Tests.Client;

/// <summary>The client's own ids: the prefix, a dash and a number that counts up across all prefixes of one client.</summary>
public class IdGeneratorTests
{
    [Test]
    public void Ids_are_the_prefix_a_dash_and_the_next_number_of_the_client()
    {
        var ids = new IdGenerator();

        Assert.That(new[] { ids.Next("sub"), ids.Next("tx"), ids.Next("sub") }, Is.EqualTo(new[] { "sub-1", "tx-2", "sub-3" }));
    }
}

using Rx.Stomp.Client;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// <see cref="SubscribeOptions"/> on their own: which subscription id a watch gets, and the options refused (by name,
/// with the reason) before anything is sent.
/// </summary>
public class SubscribeOptionsTests
{
    [TestCase(null, null, "fresh-1")]
    [TestCase("mine", null, "mine")]
    [TestCase(null, "audit", "audit")]
    [TestCase("audit", "audit", "audit")]
    public void The_subscription_id_is_the_given_one_else_the_durable_name_else_a_fresh_one(string? id, string? durable, string expected)
    {
        var options = new SubscribeOptions { Id = id, Durable = durable is null ? null : new(durable) };

        Assert.That(options.IdOr(() => "fresh-1"), Is.EqualTo(expected));
    }

    public static IEnumerable<TestCaseData> Refused()
    {
        yield return Row("prefetch 0", new() { Prefetch = 0 }, typeof(ArgumentOutOfRangeException), "Prefetch");
        yield return Row("empty durable name", new() { Durable = new("") }, typeof(ArgumentException), "Durable");
        yield return Row("blank durable name", new() { Durable = new(" ") }, typeof(ArgumentException), "Durable");
        yield return Row("an id other than the durable name", new() { Durable = new("audit"), Id = "other" }, typeof(ArgumentException), "Id",
            "A durable watch's subscription id is its name ('audit'), not 'other': RabbitMQ keys the subscription by it.");
        yield return Row("null headers", new() { Headers = null! }, typeof(ArgumentNullException), "Headers");
        yield return Row("null UNSUBSCRIBE headers", new() { UnsubscribeHeaders = null! }, typeof(ArgumentNullException), "UnsubscribeHeaders");
    }

    [TestCaseSource(nameof(Refused))]
    public void Options_that_cannot_work_are_refused_by_name(SubscribeOptions options, Type exception, string parameter, string? message)
    {
        var thrown = Assert.Throws(exception, () => options.Validate());

        Assert.That(((ArgumentException)thrown!).ParamName, Is.EqualTo(parameter));
        if (message is not null)
        {
            Assert.That(thrown.Message, Does.StartWith(message));
        }
    }

    [TestCase(null, null)]
    [TestCase(1, null)]
    [TestCase(null, "audit")]
    public void A_prefetch_of_one_and_a_durable_watch_without_an_id_or_with_its_name_pass(int? prefetch, string? id)
    {
        var options = new SubscribeOptions { Prefetch = prefetch, Durable = new("audit"), Id = id };

        Assert.That(options.Validate(), Is.SameAs(options));
    }

    private static TestCaseData Row(string name, SubscribeOptions options, Type exception, string parameter, string? message = null) =>
        new TestCaseData(options, exception, parameter, message).SetArgDisplayNames(name);
}

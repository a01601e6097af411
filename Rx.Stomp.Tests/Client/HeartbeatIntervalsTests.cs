using Rx.Stomp.Client;

namespace Rx.Stomp.Tests.Client;

/// <summary>The heart-beat setting: <c>cx,cy</c> parsed and refused with the text that was wrong, and intervals that cannot work refused.</summary>
public class HeartbeatIntervalsTests
{
    [Test]
    public void Cx_cy_in_milliseconds_parse_and_go_back_out_as_the_header()
    {
        var parsed = HeartbeatIntervals.Parse(" 1500 , 0 ");

        Assert.That(parsed, Is.EqualTo(new HeartbeatIntervals(TimeSpan.FromMilliseconds(1500), TimeSpan.Zero)));
        Assert.That(parsed.ToHeader(), Is.EqualTo("1500,0"));
    }

    [TestCase("1000")]
    [TestCase("1000,2000,3000")]
    [TestCase("-1,1000")]
    [TestCase("1000,x")]
    public void Anything_else_is_a_format_error_that_quotes_the_text_and_says_what_is_expected(string text)
    {
        var error = Assert.Throws<FormatException>(() => HeartbeatIntervals.Parse(text));

        Assert.That(error!.Message, Does.Contain($"'{text}'").And.Contain("cx,cy"));
    }

    [Test]
    public void No_text_is_an_argument_error_not_a_format_error() =>
        Assert.That(() => HeartbeatIntervals.Parse(null!), Throws.ArgumentNullException);

    [Test]
    public void A_negative_interval_either_way_or_a_receive_scale_below_one_is_refused_by_name()
    {
        var second = TimeSpan.FromSeconds(1);

        Assert.That(() => new HeartbeatIntervals(-second, second).Validate(),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("Outgoing"));
        Assert.That(() => new HeartbeatIntervals(second, -second).Validate(),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("Incoming"));
        Assert.That(() => new HeartbeatIntervals(second, second) { ReceiveScale = 0.99 }.Validate(),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("ReceiveScale"));
        Assert.That(new HeartbeatIntervals(TimeSpan.Zero, TimeSpan.Zero) { ReceiveScale = 1.0 }.Validate().ReceiveScale, Is.EqualTo(1.0));
    }
}

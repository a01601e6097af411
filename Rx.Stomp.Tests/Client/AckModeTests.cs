using Rx.Stomp.Client;

namespace Rx.Stomp.Tests.Client;

/// <summary>The wire names of <see cref="AckMode"/> both ways, and what is not one.</summary>
public class AckModeTests
{
    [TestCase(AckMode.Auto, "auto")]
    [TestCase(AckMode.Client, "client")]
    [TestCase(AckMode.ClientIndividual, "client-individual")]
    public void Each_mode_goes_out_as_its_wire_name_and_comes_back_from_it(AckMode mode, string wire) =>
        Assert.That((mode.ToWire(), AckModes.Parse(wire)), Is.EqualTo((wire, mode)));

    [TestCase("")]
    [TestCase("Client")]
    public void Any_other_text_is_a_format_error_that_quotes_it_and_lists_the_modes(string text) =>
        Assert.That(() => AckModes.Parse(text), Throws.TypeOf<FormatException>().With.Message.EqualTo($"'{text}' is not an ack mode (auto, client, client-individual)."));

    [Test]
    public void A_value_that_is_no_mode_has_no_wire_name() =>
        Assert.That(() => ((AckMode)3).ToWire(), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property(nameof(ArgumentException.ParamName)).EqualTo("mode").And.Message.StartWith("Not an ack mode."));
}

using System.Text;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>Wire names of commands.</summary>
public sealed class StompCommandsTests
{
    [Test]
    public void A_heart_beat_has_an_empty_wire_name()
    {
        Assert.That(StompCommand.Heartbeat.ToWire(), Is.Empty);
    }

    [Test]
    public void Every_command_parses_back_from_its_wire_name()
    {
        foreach (var command in Enum.GetValues<StompCommand>().Where(c => c != StompCommand.Heartbeat))
        {
            Assert.That(StompCommands.TryParse(Encoding.ASCII.GetBytes(command.ToWire()), out var parsed), Is.True, command.ToString());
            Assert.That(parsed, Is.EqualTo(command));
        }
    }

    [TestCase("")]
    [TestCase("send")]
    [TestCase("SENDX")]
    [TestCase("HEARTBEAT")]
    public void Anything_else_is_no_command(string name)
    {
        Assert.That(StompCommands.TryParse(Encoding.ASCII.GetBytes(name), out _), Is.False);
    }
}

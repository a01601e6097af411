using System.Buffers;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>The writer's arguments: a missing output or frame is refused by name before anything happens.</summary>
public sealed class FrameWriterArgumentsTests
{
    [Test]
    public void A_null_output_or_frame_is_refused_by_name()
    {
        var writer = new FrameWriter(StompVersion.V12);

        Assert.That(Assert.Throws<ArgumentNullException>(() => writer.Write(null!, new Frame(StompCommand.Send)))!.ParamName, Is.EqualTo("output"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => writer.Write(new ArrayBufferWriter<byte>(), null!))!.ParamName, Is.EqualTo("frame"));
    }
}

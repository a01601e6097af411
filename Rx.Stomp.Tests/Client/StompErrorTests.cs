using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Client;

/// <summary>The message and text of a <see cref="StompError"/>: the ERROR frame's <c>message</c> header when there is one, else the exception's.</summary>
public class StompErrorTests
{
    private static readonly Exception Cause = new StompConnectionException("from the exception");

    [Test]
    public void An_ERROR_frames_message_header_is_the_message()
    {
        var frame = new Frame(StompCommand.Error, StompHeaders.Create(("message", "from the frame")));
        var error = new StompError(StompErrorKind.ErrorFrame, Cause, frame);

        Assert.That((error.Message, error.ToString()), Is.EqualTo(("from the frame", "ErrorFrame: from the frame")));
    }

    [Test]
    public void Without_a_frame_or_its_message_header_the_exceptions_message_is_the_message()
    {
        var bare = new StompError(StompErrorKind.ErrorFrame, Cause, new Frame(StompCommand.Error));
        var lost = new StompError(StompErrorKind.Connection, Cause);

        Assert.That((bare.Message, lost.ToString()), Is.EqualTo(("from the exception", "Connection: from the exception")));
    }
}

using System.Reactive.Subjects;
using System.Text;
using System.Threading.Channels;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// Prints what arrives, in arrival order, from a loop of its own rather than the client's read loop (saving a file
/// must not hold up the connection): the MESSAGEs of the shell's subscriptions, ERROR frames, and in verbose mode
/// RECEIPTs. A MESSAGE with a <c>filename</c> header is saved as a file (<see cref="ReceivedFiles"/>).
/// </summary>
internal sealed class IncomingPrinter : IAsyncDisposable
{
    private const string FilenameHeader = "filename";
    private readonly Channel<Func<bool>> _queue = Channel.CreateUnbounded<Func<bool>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly BehaviorSubject<int> _printed = new(0);
    private readonly ShellOutput _output;
    private readonly PendingAcks _pending;
    private readonly ReceivedFiles _files;
    private readonly bool _verbose;
    private readonly Task _loop;

    public IncomingPrinter(ShellOutput output, PendingAcks pending, ReceivedFiles files, bool verbose)
    {
        _output = output;
        _pending = pending;
        _files = files;
        _verbose = verbose;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>How many MESSAGEs were printed so far: the current count first, then each new one.</summary>
    public IObservable<int> Printed => _printed;

    public void Message(StompMessage message, ShellSubscription subscription) => _queue.Writer.TryWrite(() => Print(message, subscription));

    public void Error(Frame frame) => _queue.Writer.TryWrite(() =>
    {
        _output.Write(w => FrameRenderer.Error(w, frame, _verbose));
        return false;
    });

    public void Receipt(Frame frame) => _queue.Writer.TryWrite(() =>
    {
        _output.Write(w => FrameRenderer.Receipt(w, frame));
        return false;
    });

    private bool Print(StompMessage message, ShellSubscription subscription)
    {
        var needsAck = subscription.Ack != AckMode.Auto;
        if (needsAck)
        {
            _pending.Add(message, subscription);
        }

        var note = message.Headers[FilenameHeader] is { } filename ? Save(filename, message.Body) : null;
        _output.Write(w => FrameRenderer.Message(w, message.Frame, needsAck, _verbose, note));
        return true;
    }

    /// <summary>Decodes and saves a file; the line to print instead of the body.</summary>
    private string Save(string filename, ReadOnlyMemory<byte> body)
    {
        byte[] content;
        try
        {
            content = Convert.FromBase64String(Encoding.ASCII.GetString(body.Span));
        }
        catch (FormatException)
        {
            return $"(a '{FilenameHeader}' header, but the body is not base64: not saved)";
        }

        try
        {
            return $"Saved file: {_files.Save(filename, content)} ({content.Length} bytes)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(could not save '{filename}' in {_files.Directory}: {e.Message})";
        }
    }

    private async Task LoopAsync()
    {
        var printed = 0;
        await foreach (var print in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (print())
            {
                _printed.OnNext(++printed);
            }
        }

        _printed.OnCompleted();
    }

    /// <summary>Prints what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _printed.Dispose();
    }
}

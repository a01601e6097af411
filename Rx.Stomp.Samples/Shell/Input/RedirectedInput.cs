namespace Rx.Stomp.Samples.Shell.Input;

/// <summary>Lines from redirected stdin, read plainly: no prompt, no echo, no editing.</summary>
internal sealed class RedirectedInput(TextReader stdin) : IShellInput
{
    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => stdin.ReadLineAsync(cancellationToken).AsTask();
}

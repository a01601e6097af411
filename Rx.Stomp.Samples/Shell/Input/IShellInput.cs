namespace Rx.Stomp.Samples.Shell.Input;

/// <summary>Where the shell's command lines come from.</summary>
internal interface IShellInput
{
    /// <summary>The next line, or <see langword="null"/> at the end of input.</summary>
    Task<string?> ReadLineAsync(CancellationToken cancellationToken);
}

namespace Rx.Stomp.Samples.Shell;

/// <summary>The arguments of one shell command line, split as its <see cref="ShellVerb"/> says.</summary>
internal sealed class ShellArgs(IReadOnlyList<string> values)
{
    public int Count => values.Count;

    /// <summary>A required argument.</summary>
    public string this[int index] => values[index];

    /// <summary>An optional argument, or <see langword="null"/> when it was left out.</summary>
    public string? Optional(int index) => index < values.Count ? values[index] : null;
}

using Spectre.Console;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// Everything the shell prints, one writer at a time: command results and incoming frames on stdout, errors and
/// connection news on stderr, in colour on a terminal and plain when redirected. While a prompt is shown, it is
/// moved out of the way of other output and drawn again after it.
/// </summary>
internal sealed class ShellOutput
{
    private readonly Lock _gate = new();
    private readonly AnsiWriter _out;
    private readonly AnsiWriter _err;
    private IPromptLine? _prompt;

    public ShellOutput(TextWriter stdout, TextWriter stderr)
    {
        _out = new AnsiWriter(stdout);
        _err = new AnsiWriter(stderr);
    }

    /// <summary>The prompt line to keep out of the way, or <see langword="null"/> for none.</summary>
    public void SetPrompt(IPromptLine? prompt)
    {
        lock (_gate)
        {
            _prompt = prompt;
        }
    }

    /// <summary>A line on stdout.</summary>
    public void Line(string text, Style? style = null) => Write(w => w.WriteLine(text, style ?? Style.Plain, null!));

    /// <summary>Several lines on stdout that nothing else may come between.</summary>
    public void Write(Action<AnsiWriter> draw)
    {
        lock (_gate)
        {
            _prompt?.Hide(_out);
            draw(_out);
            _prompt?.Show(_out);
        }
    }

    /// <summary>Draws on stdout without moving the prompt: for the prompt itself.</summary>
    public void Draw(Action<AnsiWriter> draw)
    {
        lock (_gate)
        {
            draw(_out);
        }
    }

    /// <summary>A failure, as one red line on stderr.</summary>
    public void Error(string text) => Stderr(text, new Style(Color.Red));

    /// <summary>News about the connection, as one yellow line on stderr.</summary>
    public void Notice(string text) => Stderr(text, new Style(Color.Yellow));

    private void Stderr(string text, Style style)
    {
        lock (_gate)
        {
            _prompt?.Hide(_out);
            _err.WriteLine(text, style, null!);
            _prompt?.Show(_out);
        }
    }
}

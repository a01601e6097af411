using Spectre.Console;

namespace Rx.Stomp.Samples.Shell.Input;

/// <summary>
/// The interactive prompt: reads keys, edits the line (arrows, Home/End, Backspace/Delete, Ctrl+A/E/K/U), recalls
/// history (Up/Down), completes with Tab (<see cref="Completer"/>; a second Tab lists the choices), and keeps the
/// line drawn below whatever the shell prints meanwhile. Ctrl+D on an empty line ends the input.
/// </summary>
internal sealed class LineEditor(ShellOutput output, Completer completer, Func<ConsoleKeyInfo> readKey) : IShellInput, IPromptLine
{
    private const string Prompt = "> ";
    private static readonly Style PromptStyle = new(Color.Green);
    private readonly LineBuffer _buffer = new();
    private readonly List<string> _history = [];
    private int _historyIndex;
    private bool _shown;
    private bool _listOnNextTab;

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        // Console.ReadKey cannot be cancelled: the key loop runs on a thread of its own, abandoned on Ctrl+C.
        Task.Run(ReadLine, CancellationToken.None).WaitAsync(cancellationToken);

    /// <summary>Reads one line, key by key.</summary>
    public string? ReadLine()
    {
        output.Draw(w =>
        {
            _buffer.Set("");
            _historyIndex = _history.Count;
            _shown = true;
            Show(w);
        });
        while (true)
        {
            var key = readKey();
            string? line = null;
            var done = false;
            output.Draw(w => done = Apply(key, w, out line));
            if (done)
            {
                return line;
            }
        }
    }

    /// <summary>Applies one key; true when the line is complete (<paramref name="line"/> null at the end of input).</summary>
    private bool Apply(ConsoleKeyInfo key, AnsiWriter writer, out string? line)
    {
        line = null;
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        if (key.Key != ConsoleKey.Tab)
        {
            _listOnNextTab = false;
        }

        switch (key.Key)
        {
            case ConsoleKey.Enter:
                line = _buffer.Text;
                if (line.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != line))
                {
                    _history.Add(line);
                }

                return End(writer);
            case ConsoleKey.D when control && _buffer.Length == 0:
                return End(writer);
            case ConsoleKey.Tab:
                Complete(writer);
                return false;
            case ConsoleKey.Backspace:
                _buffer.Backspace();
                break;
            case ConsoleKey.Delete:
            case ConsoleKey.D when control:
                _buffer.Delete();
                break;
            case ConsoleKey.LeftArrow:
                _buffer.Left();
                break;
            case ConsoleKey.RightArrow:
                _buffer.Right();
                break;
            case ConsoleKey.Home:
            case ConsoleKey.A when control:
                _buffer.Home();
                break;
            case ConsoleKey.End:
            case ConsoleKey.E when control:
                _buffer.End();
                break;
            case ConsoleKey.K when control:
                _buffer.KillToEnd();
                break;
            case ConsoleKey.U when control:
                _buffer.Set("");
                break;
            case ConsoleKey.UpArrow when _historyIndex > 0:
                _buffer.Set(_history[--_historyIndex]);
                break;
            case ConsoleKey.DownArrow when _historyIndex < _history.Count:
                _historyIndex++;
                _buffer.Set(_historyIndex < _history.Count ? _history[_historyIndex] : "");
                break;
            default:
                if (!control && !char.IsControl(key.KeyChar))
                {
                    _buffer.Insert(key.KeyChar.ToString());
                }

                break;
        }

        Show(writer);
        return false;
    }

    private void Complete(AnsiWriter writer)
    {
        var completion = completer.Complete(_buffer.Text, _buffer.Cursor);
        var typed = _buffer.Cursor - completion.Start;
        if (completion.Candidates.Count == 1)
        {
            var only = completion.Candidates[0];
            _buffer.ReplaceBeforeCursor(completion.Start, only.EndsWith('/') ? only : only + " ");
        }
        else if (completion.CommonPrefix() is { } prefix && prefix.Length > typed)
        {
            _buffer.ReplaceBeforeCursor(completion.Start, prefix);
        }
        else if (_listOnNextTab && completion.Candidates.Count > 1)
        {
            Hide(writer);
            writer.WriteLine(string.Join("  ", completion.Candidates));
        }

        _listOnNextTab = completion.Candidates.Count > 1;
        Show(writer);
    }

    private bool End(AnsiWriter writer)
    {
        _buffer.End();
        Show(writer);
        writer.WriteLine();
        _shown = false;
        return true;
    }

    public void Hide(AnsiWriter writer)
    {
        if (_shown)
        {
            writer.Write("\r");
            writer.EraseInLine(0);
        }
    }

    public void Show(AnsiWriter writer)
    {
        if (!_shown)
        {
            return;
        }

        writer.Write("\r");
        writer.Write(Prompt, PromptStyle, null!);
        writer.Write(_buffer.Text);
        writer.EraseInLine(0);
        if (_buffer.Cursor < _buffer.Length)
        {
            writer.CursorLeft(_buffer.Length - _buffer.Cursor);
        }
    }
}

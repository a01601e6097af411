using System.Text;

namespace Rx.Stomp.Samples.Shell.Input;

/// <summary>The text being edited at the prompt and the cursor in it; no I/O.</summary>
internal sealed class LineBuffer
{
    private readonly StringBuilder _text = new();

    public string Text => _text.ToString();

    public int Cursor { get; private set; }

    public int Length => _text.Length;

    public void Insert(string text)
    {
        _text.Insert(Cursor, text);
        Cursor += text.Length;
    }

    /// <summary>Replaces the text from <paramref name="start"/> to the cursor (a completed word) and puts the cursor after it.</summary>
    public void ReplaceBeforeCursor(int start, string text)
    {
        _text.Remove(start, Cursor - start).Insert(start, text);
        Cursor = start + text.Length;
    }

    public void Backspace()
    {
        if (Cursor > 0)
        {
            _text.Remove(--Cursor, 1);
        }
    }

    public void Delete()
    {
        if (Cursor < _text.Length)
        {
            _text.Remove(Cursor, 1);
        }
    }

    public void Left() => Cursor = Math.Max(0, Cursor - 1);

    public void Right() => Cursor = Math.Min(_text.Length, Cursor + 1);

    public void Home() => Cursor = 0;

    public void End() => Cursor = _text.Length;

    /// <summary>Deletes from the cursor to the end (Ctrl+K).</summary>
    public void KillToEnd() => _text.Length = Cursor;

    /// <summary>Replaces everything (history, Ctrl+U) and puts the cursor at the end.</summary>
    public void Set(string text)
    {
        _text.Clear().Append(text);
        Cursor = text.Length;
    }
}

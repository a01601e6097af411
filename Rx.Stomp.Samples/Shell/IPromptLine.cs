using Spectre.Console;

namespace Rx.Stomp.Samples.Shell;

/// <summary>The line being typed at the prompt: hidden while other output is written, then shown again.</summary>
internal interface IPromptLine
{
    void Hide(AnsiWriter writer);

    void Show(AnsiWriter writer);
}

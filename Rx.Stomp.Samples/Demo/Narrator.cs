using Spectre.Console;

namespace Rx.Stomp.Samples.Demo;

/// <summary>The demo's voice: scene titles, narration, and what the client saw, each in its own style.</summary>
internal sealed class Narrator(IAnsiConsole console)
{
    /// <summary>On a terminal, a breath between scenes so that a reader can follow; none when the output is redirected.</summary>
    private static readonly TimeSpan Pause = Console.IsOutputRedirected ? TimeSpan.Zero : TimeSpan.FromSeconds(0.6);

    /// <summary>A ruled title that starts a scene.</summary>
    public async Task SceneAsync(string title, CancellationToken cancellationToken)
    {
        await Task.Delay(Pause, cancellationToken);
        console.Write(new Rule($"[bold yellow]{Markup.Escape(title)}[/]").LeftJustified());
    }

    /// <summary>What is about to happen, and why.</summary>
    public void Say(string text) => console.MarkupLineInterpolated($"[grey]{text}[/]");

    /// <summary>Something the client observed (a message, a receipt, a state).</summary>
    public void Saw(string label, string text) => console.MarkupLineInterpolated($"  [green]{label}[/] {text}");

    /// <summary>The closing line.</summary>
    public void Done(string text) => console.MarkupLineInterpolated($"[bold green]{text}[/]");
}

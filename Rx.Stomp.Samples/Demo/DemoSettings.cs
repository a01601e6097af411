using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Demo;

/// <summary>The demo takes no options: it brings its own broker.</summary>
internal sealed class DemoSettings : CommandSettings;

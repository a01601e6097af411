using System.Reflection;
using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Cli;

/// <summary>The versions of rxstomp and of the Rx.Stomp library it runs on, as <c>--version</c> and the shell's <c>version</c> print them.</summary>
internal static class ProgramVersion
{
    /// <summary>rxstomp's own version, e.g. <c>1.0.0</c>.</summary>
    public static string Rxstomp => Of(typeof(ProgramVersion).Assembly);

    /// <summary><c>rxstomp 1.0.0 (Rx.Stomp 1.0.0)</c>.</summary>
    public static string Text => $"rxstomp {Rxstomp} (Rx.Stomp {Of(typeof(StompClient).Assembly)})";

    private static string Of(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString(3)
        ?? "?";
}

using Rx.Stomp.Samples.Shell.Commands;

namespace Rx.Stomp.Samples.Shell;

/// <summary>Every shell command, in the order <c>help</c> lists them.</summary>
internal static class ShellVerbs
{
    public static IReadOnlyList<ShellVerb> All { get; } =
    [
        SubscriptionCommands.Subscribe, SubscriptionCommands.Unsubscribe,
        SendCommands.Send, SendCommands.SendWithReceipt, SendCommands.SendReply, SendCommands.SendFile,
        AckCommands.Ack, AckCommands.Nack,
        TransactionCommands.Begin, TransactionCommands.Commit, TransactionCommands.Abort,
        ControlCommands.Stats, ControlCommands.Run, ControlCommands.Wait, ControlCommands.Version,
        HelpCommand.Help, ControlCommands.Quit,
    ];

    /// <summary>The names and aliases to complete, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. All.SelectMany(v => v.Aliases.Prepend(v.Name)).Where(n => n is not ("EOF" or "?")).Order(StringComparer.Ordinal)];

    /// <summary>The command called <paramref name="name"/> (a name or an alias), or <see langword="null"/>.</summary>
    public static ShellVerb? Find(string name) =>
        All.FirstOrDefault(v => v.Name == name || v.Aliases.Contains(name));
}

namespace Rx.Stomp.Samples.Shell;

/// <summary>What an argument of a shell command is, which decides how tab completion fills it in.</summary>
internal enum ArgumentKind
{
    /// <summary>Free text: nothing to complete.</summary>
    Text,

    /// <summary>A destination: the ones subscribed to, then the others used in this shell.</summary>
    Destination,

    /// <summary>A destination subscribed to.</summary>
    Subscribed,

    /// <summary>auto, client or client-individual.</summary>
    AckMode,

    /// <summary>The id of a message awaiting acknowledgement, or <c>all</c>.</summary>
    MessageId,

    /// <summary>A shell command's name.</summary>
    Command,

    /// <summary>on or off.</summary>
    OnOff,

    /// <summary>A file.</summary>
    Path,
}

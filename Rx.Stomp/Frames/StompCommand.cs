namespace Rx.Stomp.Frames;

/// <summary>The command of a frame. Commands are case-sensitive on the wire.</summary>
public enum StompCommand
{
    /// <summary>Not a frame but a bare end-of-line between frames: a heart-beat.</summary>
    Heartbeat = 0,

    /// <summary>Client: open a session (compatible with STOMP 1.0).</summary>
    Connect,

    /// <summary>Client: open a session (1.1 and later; lets servers tell STOMP from HTTP).</summary>
    Stomp,

    /// <summary>Server: the session is open.</summary>
    Connected,

    /// <summary>Client: send a message to a destination.</summary>
    Send,

    /// <summary>Client: subscribe to a destination.</summary>
    Subscribe,

    /// <summary>Client: end a subscription.</summary>
    Unsubscribe,

    /// <summary>Client: acknowledge a message.</summary>
    Ack,

    /// <summary>Client: refuse a message (1.1 and later).</summary>
    Nack,

    /// <summary>Client: begin a transaction.</summary>
    Begin,

    /// <summary>Client: commit a transaction.</summary>
    Commit,

    /// <summary>Client: abort a transaction.</summary>
    Abort,

    /// <summary>Client: end the session.</summary>
    Disconnect,

    /// <summary>Server: a message for a subscription.</summary>
    Message,

    /// <summary>Server: confirms a client frame that asked for a receipt.</summary>
    Receipt,

    /// <summary>Server: something went wrong; the server closes the connection after it.</summary>
    Error,
}

/// <summary>Wire names of <see cref="StompCommand"/>s.</summary>
public static class StompCommands
{
    private static readonly string[] Names =
    [
        "", "CONNECT", "STOMP", "CONNECTED", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK",
        "BEGIN", "COMMIT", "ABORT", "DISCONNECT", "MESSAGE", "RECEIPT", "ERROR",
    ];

    private static readonly byte[][] Utf8Names = Array.ConvertAll(Names, System.Text.Encoding.ASCII.GetBytes);

    /// <summary>The command as written on the wire, e.g. <c>SEND</c>; empty for a heart-beat.</summary>
    public static string ToWire(this StompCommand command) => Names[(int)command];

    internal static ReadOnlySpan<byte> ToWireBytes(this StompCommand command) => Utf8Names[(int)command];

    /// <summary>Whether frames with this command may carry a body (only SEND, MESSAGE and ERROR).</summary>
    public static bool CarriesBody(this StompCommand command) =>
        command is StompCommand.Send or StompCommand.Message or StompCommand.Error;

    /// <summary>Whether headers of this command are escaped (never on CONNECT, STOMP and CONNECTED).</summary>
    public static bool IsEscaped(this StompCommand command) =>
        command is not (StompCommand.Connect or StompCommand.Stomp or StompCommand.Connected);

    /// <summary>
    /// Finds the command whose wire name is exactly <paramref name="name"/> (case-sensitive); never
    /// <see cref="StompCommand.Heartbeat"/>, which has no name.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out StompCommand command)
    {
        for (var i = 1; i < Utf8Names.Length; i++)
        {
            if (name.SequenceEqual(Utf8Names[i]))
            {
                command = (StompCommand)i;
                return true;
            }
        }

        command = default;
        return false;
    }
}

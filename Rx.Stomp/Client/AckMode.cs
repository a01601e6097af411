namespace Rx.Stomp.Client;

/// <summary>The <c>ack</c> mode of a subscription.</summary>
public enum AckMode
{
    /// <summary>The broker considers a message acknowledged once sent.</summary>
    Auto,

    /// <summary>ACK is cumulative: acknowledging a message acknowledges every earlier one of the subscription.</summary>
    Client,

    /// <summary>Each message is acknowledged on its own.</summary>
    ClientIndividual,
}

/// <summary>Wire names of <see cref="AckMode"/>.</summary>
public static class AckModes
{
    /// <summary><c>auto</c>, <c>client</c> or <c>client-individual</c>.</summary>
    public static string ToWire(this AckMode mode) => mode switch
    {
        AckMode.Auto => "auto",
        AckMode.Client => "client",
        AckMode.ClientIndividual => "client-individual",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not an ack mode."),
    };

    /// <summary>Parses <c>auto</c>, <c>client</c> or <c>client-individual</c>.</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static AckMode Parse(string text) => text switch
    {
        "auto" => AckMode.Auto,
        "client" => AckMode.Client,
        "client-individual" => AckMode.ClientIndividual,
        _ => throw new FormatException($"'{text}' is not an ack mode (auto, client, client-individual)."),
    };
}

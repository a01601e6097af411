using Rx.Stomp.Client;

namespace Rx.Stomp.Samples.Listen;

/// <summary>Prints a received message on stdout.</summary>
internal interface IMessagePrinter
{
    void Print(StompMessage message);
}

using System.Diagnostics;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tracing;

/// <summary>The attributes of OpenTelemetry's messaging semantic conventions that the spans carry.</summary>
internal static class MessagingTags
{
    public const string System = "messaging.system";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string DestinationName = "messaging.destination.name";
    public const string SubscriptionName = "messaging.destination.subscription.name";
    public const string MessageId = "messaging.message.id";
    public const string ConversationId = "messaging.message.conversation_id";
    public const string BodySize = "messaging.message.body.size";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";

    /// <summary>The operations: a SEND written, a MESSAGE delivered.</summary>
    public const string Send = "send";

    /// <inheritdoc cref="Send"/>
    public const string Process = "process";

    /// <summary>The conventions' span name, <c>{operation} {destination}</c>.</summary>
    public static string SpanName(string operation, string? destination) => destination is null ? operation : $"{operation} {destination}";

    /// <summary>What a span of either side says: the system, the operation, the destination, the body and the broker.</summary>
    public static void Set(Activity activity, string operation, Frame frame, StompEndpoint? endpoint)
    {
        activity.SetTag(System, "stomp");
        activity.SetTag(OperationType, operation);
        activity.SetTag(OperationName, operation);
        activity.SetTag(DestinationName, frame.Headers[StompHeaderNames.Destination]);
        activity.SetTag(BodySize, frame.Body.Length);
        // Request/reply's correlation-id is what the conventions call the conversation.
        activity.SetTag(ConversationId, frame.Headers[StompHeaderNames.CorrelationId]);
        if (endpoint is not null)
        {
            activity.SetTag(ServerAddress, endpoint.Host);
            activity.SetTag(ServerPort, endpoint.Port);
        }
    }
}

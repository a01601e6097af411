using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Reactive;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// <see cref="StompClientOptions.Validate"/>: each setting that cannot work is refused with the exception type, the
/// parameter name and (for the client's own checks) the message that say which and why; settings at the edge of what
/// works pass, and Validate hands back the same options.
/// </summary>
public class OptionsValidationTests
{
    private static readonly StompClientOptions Valid = new();

    public static IEnumerable<TestCaseData> Refused()
    {
        const string NoEndpoint = "At least one endpoint is needed.";
        const string NoVersion = "At least one STOMP version must be accepted.";
        const string Timeout = "Timeouts must be positive.";
        yield return Row("no endpoint", Valid with { Endpoints = [] }, typeof(ArgumentException), "Endpoints", NoEndpoint);
        yield return Row("null endpoints", Valid with { Endpoints = null! }, typeof(ArgumentException), "Endpoints", NoEndpoint);
        yield return Row("empty host", Valid with { Endpoints = [new("")] }, typeof(ArgumentException), "Endpoints", "Endpoint ':61613' needs a host and a port between 1 and 65535.");
        yield return Row("blank host", Valid with { Endpoints = [new(" ")] }, typeof(ArgumentException), "Endpoints", "Endpoint ' :61613' needs a host");
        yield return Row("port 0", Valid with { Endpoints = [new("a"), new("h", 0)] }, typeof(ArgumentException), "Endpoints", "Endpoint 'h:0' needs a host");
        yield return Row("port 65536", Valid with { Endpoints = [new("h", 65536)] }, typeof(ArgumentException), "Endpoints", "Endpoint 'h:65536' needs a host");
        yield return Row("no version", Valid with { AcceptVersions = [] }, typeof(ArgumentException), "AcceptVersions", NoVersion);
        yield return Row("null versions", Valid with { AcceptVersions = null! }, typeof(ArgumentException), "AcceptVersions", NoVersion);
        yield return Row("STOMP command on 1.0", Valid with { AcceptVersions = [StompVersion.V10], UseStompCommand = true }, typeof(ArgumentException), "UseStompCommand", "The STOMP command needs version 1.1 or later.");
        yield return Row("zero connect timeout", Valid with { ConnectTimeout = TimeSpan.Zero }, typeof(ArgumentOutOfRangeException), "ConnectTimeout", Timeout);
        yield return Row("zero receipt timeout", Valid with { ReceiptTimeout = TimeSpan.Zero }, typeof(ArgumentOutOfRangeException), "ReceiptTimeout", Timeout);
        yield return Row("zero disconnect timeout", Valid with { DisconnectTimeout = TimeSpan.Zero }, typeof(ArgumentOutOfRangeException), "DisconnectTimeout", Timeout);
        yield return Row("negative offline timeout", Valid with { OfflineTimeout = TimeSpan.FromTicks(-1) }, typeof(ArgumentOutOfRangeException), "OfflineTimeout", Timeout);
        yield return Row("empty client id", Valid with { ClientId = "" }, typeof(ArgumentException), "ClientId");
        yield return Row("blank client id", Valid with { ClientId = " " }, typeof(ArgumentException), "ClientId");
        yield return Row("negative offline queue limit", Valid with { OfflineQueueLimit = -1 }, typeof(ArgumentOutOfRangeException), "OfflineQueueLimit");
        yield return Row("no pending receipt", Valid with { MaxPendingReceipts = 0 }, typeof(ArgumentOutOfRangeException), "MaxPendingReceipts");
        yield return Row("null TLS", Valid with { Tls = null! }, typeof(ArgumentNullException), "Tls");
        yield return Row("null transport", Valid with { Transport = null! }, typeof(ArgumentNullException), "Transport");
        yield return Row("null connect retry", Valid with { ConnectRetry = null! }, typeof(ArgumentNullException), "ConnectRetry");
        yield return Row("bad connect retry", Valid with { ConnectRetry = BackoffPolicy.Connect with { Multiplier = 0.5 } }, typeof(ArgumentOutOfRangeException), "Multiplier");
        yield return Row("null reconnect", Valid with { Reconnect = null! }, typeof(ArgumentNullException), "Reconnect");
        yield return Row("bad reconnect", Valid with { Reconnect = BackoffPolicy.Reconnect with { Jitter = -0.1 } }, typeof(ArgumentOutOfRangeException), "Jitter");
        yield return Row("null heart-beat", Valid with { Heartbeat = null! }, typeof(ArgumentNullException), "Heartbeat");
        yield return Row("bad heart-beat", Valid with { Heartbeat = new(TimeSpan.Zero, TimeSpan.FromSeconds(-1)) }, typeof(ArgumentOutOfRangeException), "Incoming");
        yield return Row("null limits", Valid with { Limits = null! }, typeof(ArgumentNullException), "Limits");
        yield return Row("bad limits", Valid with { Limits = FrameLimits.Default with { MaxHeaderCount = 0 } }, typeof(ArgumentOutOfRangeException), "MaxHeaderCount");
    }

    public static IEnumerable<TestCaseData> Accepted()
    {
        yield return new TestCaseData(Valid).SetArgDisplayNames("the defaults");
        yield return new TestCaseData(Valid with { Endpoints = [new("a", 1), new("b", 65535)] }).SetArgDisplayNames("ports 1 and 65535");
        yield return new TestCaseData(Valid with { AcceptVersions = [StompVersion.V10] }).SetArgDisplayNames("1.0 alone with CONNECT");
        yield return new TestCaseData(Valid with { AcceptVersions = [StompVersion.V10, StompVersion.V11], UseStompCommand = true }).SetArgDisplayNames("the STOMP command with 1.1 among the versions");
        yield return new TestCaseData(Valid with { ConnectTimeout = TimeSpan.FromTicks(1), ReceiptTimeout = TimeSpan.FromTicks(1), DisconnectTimeout = TimeSpan.FromTicks(1), OfflineTimeout = TimeSpan.FromTicks(1) }).SetArgDisplayNames("timeouts of one tick");
        yield return new TestCaseData(Valid with { ClientId = "app-1", OfflineQueueLimit = 0, MaxPendingReceipts = 1 }).SetArgDisplayNames("a client id, no offline queue, one pending receipt");
    }

    [TestCaseSource(nameof(Refused))]
    public void A_setting_that_cannot_work_is_refused_by_name_with_the_reason(StompClientOptions options, Type exception, string parameter, string? message)
    {
        var thrown = Assert.Throws(exception, () => options.Validate());

        Assert.That(((ArgumentException)thrown!).ParamName, Is.EqualTo(parameter));
        if (message is not null)
        {
            Assert.That(thrown.Message, Does.StartWith(message));
        }
    }

    [TestCaseSource(nameof(Accepted))]
    public void Settings_at_the_edge_of_what_works_pass_and_Validate_returns_the_same_options(StompClientOptions options) =>
        Assert.That(options.Validate(), Is.SameAs(options));

    private static TestCaseData Row(string name, StompClientOptions options, Type exception, string parameter, string? message = null) =>
        new TestCaseData(options, exception, parameter, message).SetArgDisplayNames(name);
}

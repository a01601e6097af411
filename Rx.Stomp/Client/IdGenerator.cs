using System.Globalization;

namespace Rx.Stomp.Client;

/// <summary>The client's ids for subscriptions, transactions and probes: a prefix and a number unique within the client.</summary>
internal sealed class IdGenerator
{
    private long _last;

    public string Next(string prefix) =>
        prefix + "-" + Interlocked.Increment(ref _last).ToString(CultureInfo.InvariantCulture);
}

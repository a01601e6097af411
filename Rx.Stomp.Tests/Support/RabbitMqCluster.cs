using System.Globalization;
using System.Net.Sockets;
using Rx.Stomp.Client;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// The three-node RabbitMQ cluster of <c>scripts/cluster.sh</c>: the failover URL that reaches it (from
/// <c>RXSTOMP_CLUSTER</c>, or the script's ports), and its nodes stopped, killed and started again through the script.
/// Node numbers are 1 to 3, in the URL's order.
/// </summary>
internal static class RabbitMqCluster
{
    /// <summary>The variable that names the cluster, set by <c>scripts/test.sh</c>: then an unreachable cluster fails the test.</summary>
    public const string Variable = "RXSTOMP_CLUSTER";

    private const string DefaultUrl = "failover:(stomp://guest:guest@127.0.0.1:61631,stomp://127.0.0.1:61632,stomp://127.0.0.1:61633)";

    private static string? Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url.Trim() : null;

    /// <summary>The failover URL of the three nodes, node 1 first.</summary>
    public static string Url => Configured ?? DefaultUrl;

    /// <summary>The client options of <see cref="Url"/>: the three nodes, tried in that order.</summary>
    public static StompClientOptions Options => StompClientOptions.Parse(Url);

    /// <summary>The number (1 to 3) of the node at <paramref name="endpoint"/>.</summary>
    public static int NodeOf(StompEndpoint endpoint)
    {
        var index = Options.Endpoints.ToList().FindIndex(e => e.Host == endpoint.Host && e.Port == endpoint.Port);
        return index >= 0 ? index + 1 : throw new ArgumentException($"{endpoint} is no node of {Url}.", nameof(endpoint));
    }

    /// <summary>The number (1 to 3) of the node that <c>scripts/cluster.sh</c> names <paramref name="name"/> (<c>rxstomp-c2@localhost</c>: 2).</summary>
    public static int NodeNamed(string name) =>
        name.StartsWith("rxstomp-c", StringComparison.Ordinal) && name.Length > 9 && name[9] is >= '1' and <= '3'
            ? name[9] - '0'
            : throw new ArgumentException($"'{name}' is no node of scripts/cluster.sh.", nameof(name));

    /// <summary>
    /// <paramref name="endpoints"/> turned so that node <paramref name="first"/> comes first, the others after it in
    /// their order: a client that tries another node first than the others do.
    /// </summary>
    public static IReadOnlyList<StompEndpoint> StartingAt(IReadOnlyList<StompEndpoint> endpoints, int first) =>
        [.. endpoints.Skip(first - 1), .. endpoints.Take(first - 1)];

    /// <summary>Stops node <paramref name="node"/> cleanly (SIGTERM), or kills it (SIGKILL); returns once its VM has exited.</summary>
    public static Task StopNodeAsync(int node, bool kill) => RunAsync(kill ? "kill-node" : "stop-node", Number(node));

    /// <summary>Starts node <paramref name="node"/> again; returns once it has rejoined and takes STOMP connections.</summary>
    public static Task StartNodeAsync(int node) => RunAsync("start-node", Number(node));

    /// <summary>Runs <c>rabbitmqctl args…</c> against node <paramref name="node"/>.</summary>
    public static Task<string> CtlAsync(int node, params string[] args) => RunAsync(["ctl", Number(node), .. args]);

    /// <summary>Fails the test (<see cref="Variable"/> set) or ignores it (unset) when a node does not accept TCP connections.</summary>
    public static async Task RequireAsync()
    {
        foreach (var endpoint in Options.Endpoints)
        {
            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (Configured is not null)
                {
                    Assert.Fail($"The RabbitMQ cluster node at {endpoint} is not accepting connections, although {Variable} names it: {e.Message}");
                }

                Assert.Ignore($"The RabbitMQ cluster is not running ({endpoint}: {e.Message}). Start it with scripts/cluster.sh start, or set {Variable}.");
            }
        }
    }

    private static string Number(int node) => node.ToString(CultureInfo.InvariantCulture);

    private static Task<string> RunAsync(params string[] args) => Scripts.RunAsync(Scripts.Locate("RXSTOMP_CLUSTER_SH", "cluster.sh"), args);
}

namespace Rx.Stomp.Tests.Support;

/// <summary>
/// Runs <c>rabbitmqctl</c> against the test node (through <c>scripts/rabbitmqctl.sh</c>, or the path in
/// <c>RXSTOMP_RABBITMQCTL</c>): the way tests inject real broker faults.
/// </summary>
internal static class RabbitMqCtl
{
    /// <summary>Runs <c>rabbitmqctl args…</c> and returns its stdout; fails the test on a non-zero exit.</summary>
    public static Task<string> RunAsync(params string[] args) =>
        Scripts.RunAsync(Scripts.Locate("RXSTOMP_RABBITMQCTL", "rabbitmqctl.sh"), args);
}


namespace Rx.Stomp.Tests.Samples;

/// <summary>
/// rxstomp over TLS, run as a process against RabbitMQ's TLS listener: mutual TLS with a PEM certificate whose
/// encrypted key's password comes from the environment, and a refused certificate as a clear error.
/// </summary>
[TestFixture]
[Category(Brokers.Broker.ExternalCategory)]
[NonParallelizable]
public sealed class RxStompTlsTests
{
    /// <summary>Where rxstomp reads the key password from.</summary>
    private const string KeyPasswordVariable = "RXSTOMP_SSL_KEY_PASSWORD";

    private readonly Brokers.Broker _broker = Brokers.Broker.RabbitMqMutualTls;

    [OneTimeSetUp]
    public Task RequireBroker() => _broker.RequireAsync();

    [TearDown]
    public void ForgetPassword() => Environment.SetEnvironmentVariable(KeyPasswordVariable, null);

    [Test]
    public async Task Listen_and_send_with_a_client_certificate_round_trip_and_the_password_shows_nowhere()
    {
        // The child inherits it: the only way rxstomp takes a key password besides the prompt.
        Environment.SetEnvironmentVariable(KeyPasswordVariable, Brokers.Broker.ClientCertificatePassword);
        var destination = $"/topic/rxstomp.cli.{Guid.NewGuid():N}";
        using var listen = RxStompProcess.Start(["listen", destination, "--count", "1", "--verbose", .. _broker.Args]);
        await listen.WaitForStderrAsync(line => line == $"listening on {destination}");
        using var send = await RxStompProcess.RunAsync(["send", destination, "--body", "over TLS", "--receipt", .. _broker.Args]);

        Assert.That(send.ExitCode, Is.EqualTo(0), send.Transcript);
        Assert.That(await listen.WaitForExitAsync(), Is.EqualTo(0), listen.Transcript);
        Assert.That(listen.Stdout, Does.Contain("over TLS"), listen.Transcript);
        Assert.That(listen.Output + send.Output, Does.Not.Contain(Brokers.Broker.ClientCertificatePassword));
    }

    [Test]
    public async Task A_broker_certificate_from_an_untrusted_CA_is_a_connection_error_naming_why()
    {
        using var send = await RxStompProcess.RunAsync(
            ["send", "/topic/rxstomp.cli.tls", "--body", "x", "-H", _broker.Endpoint.Host, "-P", $"{_broker.Endpoint.Port}", "--ssl-ca-file", Brokers.Broker.Certificate("other-ca.crt")]);

        Assert.That(send.ExitCode, Is.EqualTo(2), "connection or broker error: " + send.Transcript);
        Assert.That(send.Stderr, Has.Some.Contains("does not chain to a trusted root"), send.Transcript);
    }
}

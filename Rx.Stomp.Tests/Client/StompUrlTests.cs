using Rx.Stomp.Client;
using Rx.Stomp.Frames;
using Rx.Stomp.Transport;

namespace Rx.Stomp.Tests.Client;

/// <summary>
/// <see cref="StompClientOptions.Parse"/> line by line: each scheme's transport kind and default port, the first URL's
/// credentials, virtual host and query keys, the TLS keys of each URL, the shapes a <c>failover:</c> list may take, and
/// the errors, which say what is wrong and quote the URL with its password masked.
/// </summary>
public class StompUrlTests
{
    [TestCase("stomp://h", StompTransportKind.Tcp, 61613)]
    [TestCase("tcp://h", StompTransportKind.Tcp, 61613)]
    [TestCase("stomp+ssl://h", StompTransportKind.Tls, 61614)]
    [TestCase("stomp+tls://h", StompTransportKind.Tls, 61614)]
    [TestCase("ssl://h", StompTransportKind.Tls, 61614)]
    [TestCase("stomp://h:0", StompTransportKind.Tcp, 61613)]
    [TestCase("ssl://h:0", StompTransportKind.Tls, 61614)]
    [TestCase("tcp://h:1", StompTransportKind.Tcp, 1)]
    [TestCase("stomp+tls://h:65535", StompTransportKind.Tls, 65535)]
    public void Each_scheme_gives_its_kind_and_a_missing_or_zero_port_the_kinds_default(string url, StompTransportKind kind, int port) =>
        Assert.That(StompClientOptions.Parse(url).Endpoints, Is.EqualTo(new[] { new StompEndpoint("h", port) { Kind = kind } }));

    [TestCase("stomp://h", null, null)]
    [TestCase("stomp://user@h", "user", null)]
    [TestCase("stomp://:pw@h", "", "pw")]
    [TestCase("stomp://us%3Aer:p%3Aw%40@h", "us:er", "p:w@")]
    public void The_user_info_gives_the_login_and_the_passcode_split_at_its_first_colon_then_unescaped(string url, string? login, string? passcode)
    {
        var options = StompClientOptions.Parse(url);

        Assert.That((options.Login, options.Passcode), Is.EqualTo((login, passcode)));
    }

    [TestCase("stomp://h", "/")]
    [TestCase("stomp://h/", "/")]
    [TestCase("stomp://h/prod", "prod")]
    [TestCase("stomp://h/%2Fprod", "/prod")]
    [TestCase("ws://h:15674/ws", "/")]
    [TestCase("stomp://h/prod?vhost=other", "other")]
    [TestCase("stomp://h?host=other", "other")]
    public void The_virtual_host_is_a_stomp_urls_path_without_its_slash_unless_the_query_names_one(string url, string virtualHost) =>
        Assert.That(StompClientOptions.Parse(url).VirtualHost, Is.EqualTo(virtualHost));

    [TestCase("heart-beat")]
    [TestCase("heartbeat")]
    public void The_heart_beat_in_either_spelling_the_versions_and_the_connect_timeout_come_from_the_query(string heartbeatKey)
    {
        var options = StompClientOptions.Parse($"stomp://h?{heartbeatKey}=1000,2500&accept-version=1.2&connect-timeout=1500");

        Assert.Multiple(() =>
        {
            Assert.That(options.Heartbeat, Is.EqualTo(new HeartbeatIntervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5))));
            Assert.That(options.AcceptVersions, Is.EqualTo(new[] { StompVersion.V12 }));
            Assert.That(options.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(1.5)));
        });
    }

    [TestCase("stomp+ssl://h?ca-file=/ca.pem&cert-file=/c.pem&key-file=/k.pem&target-host=broker")]
    [TestCase("wss://h/ws?target-host=broker&key-file=/k.pem&cert-file=/c.pem&ca-file=/ca.pem")]
    public void The_four_TLS_keys_in_any_order_all_go_to_the_endpoints_own_TLS_settings(string url) =>
        Assert.That(StompClientOptions.Parse(url).Endpoints[0].Tls, Is.EqualTo(StompTlsOptions.Default with
        {
            CaFile = "/ca.pem",
            ClientCertificateFile = "/c.pem",
            ClientKeyFile = "/k.pem",
            TargetHost = "broker",
        }));

    [TestCase("failover:(stomp://a:1,stomp://b:2)")]
    [TestCase("FAILOVER:(stomp://a:1,stomp://b:2)")]
    [TestCase("failover:stomp://a:1,stomp://b:2")]
    [TestCase("  failover: ( stomp://a:1 , , stomp://b:2 , )  ")]
    public void A_failover_list_with_or_without_parentheses_spaces_or_empty_items_gives_its_urls_in_order(string text) =>
        Assert.That(StompClientOptions.Parse(text).Endpoints, Is.EqualTo(new[] { new StompEndpoint("a", 1), new StompEndpoint("b", 2) }));

    [TestCase("not a url", "'not a url' is not a stomp://, stomp+ssl://, ws:// or wss:// URL (stomp://user:pass@host:port/vhost).")]
    [TestCase("http://h:1", "'http://h:1' is not a stomp://")]
    [TestCase("stomp:///prod", "'stomp:///prod' is not a stomp://")]
    [TestCase("failover:(stomp://a:1,stomp://b:2", "'(stomp://a:1' is not a stomp://")]
    [TestCase("failover:()", "A failover: list needs at least one URL.")]
    [TestCase("failover: , ", "A failover: list needs at least one URL.")]
    [TestCase("stomp://h?bogus=1", "Unknown option 'bogus' in a stomp:// URL.")]
    [TestCase("stomp://h?=1", "Unknown option '' in a stomp:// URL.")]
    [TestCase("stomp://h?heart-beat", "'' is not a heart-beat setting")]
    [TestCase("stomp://h?ca-file=/ca.pem", "'stomp://h?ca-file=/ca.pem' has TLS options but is not a stomp+ssl:// or wss:// URL.")]
    [TestCase("ws://h/ws?key-file=/k.pem", "'ws://h/ws?key-file=/k.pem' has TLS options")]
    [TestCase("ftp://user:s3cr3t@h:1", "'ftp://user:***@h:1' is not a stomp://")]
    [TestCase("stomp://user:s3cr3t@h?ca-file=/ca.pem", "'stomp://user:***@h?ca-file=/ca.pem' has TLS options")]
    [TestCase("ftp://user@h:1", "'ftp://user@h:1' is not a stomp://")]
    [TestCase("://user:s3cr3t@h:1", "'://user:***@h:1' is not a stomp://")]
    [TestCase("user:s3cr3t@h:1", "'user:***@h:1' is not a stomp://")]
    [TestCase("u:s3cr3t@h:1", "'u:***@h:1' is not a stomp://")]
    [TestCase(":s3cr3t@h:1", "':***@h:1' is not a stomp://")]
    [TestCase("ftp://h:1/vh@x", "'ftp://h:1/vh@x' is not a stomp://")]
    [TestCase("stomp:user:s3cr3t@h", "'stomp:***@h' is not a stomp://")]
    [TestCase("ftp://user:s3cr3t@ss@h:1/vh", "'ftp://user:***@h:1/vh' is not a stomp://")]
    public void A_text_that_is_not_such_a_url_is_a_format_error_saying_what_is_wrong_with_any_password_masked(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => StompClientOptions.Parse(text));

        Assert.That(error!.Message, Does.StartWith(message).And.Not.Contain("s3cr3t"));
    }

    [Test]
    public void No_text_is_an_argument_error_not_a_format_error() =>
        Assert.That(() => StompClientOptions.Parse(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("url"));
}

using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Transport;

/// <summary>
/// TLS settings of <c>stomp+ssl://</c> and <c>wss://</c> endpoints, as one immutable record. By default the server's
/// certificate must chain to a root of the system store and name the host connected to; <see cref="CaFile"/> trusts a
/// private CA instead. <see cref="ToString"/> never shows <see cref="ClientKeyPassword"/>.
/// </summary>
public sealed record StompTlsOptions
{
    /// <summary>Verify against the system store, no client certificate, the system's protocol versions.</summary>
    public static StompTlsOptions Default { get; } = new();

    /// <summary>
    /// The name sent as SNI and that the server's certificate must hold, or <see langword="null"/> for the
    /// endpoint's host. Set it when connecting by IP address to a server whose certificate names only its host name.
    /// </summary>
    public string? TargetHost { get; init; }

    /// <summary>
    /// A PEM file of the CA certificate(s) to trust instead of the system store (stomp.py's <c>ca_certs</c>), or
    /// <see langword="null"/> for the system store.
    /// </summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// A client certificate for mutual TLS: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>, key included) or a PEM certificate
    /// (key in <see cref="ClientKeyFile"/>, or in the same file). <see langword="null"/> for none.
    /// </summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>The PEM private key of a PEM <see cref="ClientCertificateFile"/>, or <see langword="null"/> when that file holds it.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>The password of an encrypted PEM key or of a PKCS#12 file. Never logged nor shown.</summary>
    public string? ClientKeyPassword { get; init; }

    /// <summary>A client certificate with its private key, already loaded; used instead of <see cref="ClientCertificateFile"/>.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// An extra check once the chain and the host name passed (stomp.py's <c>cert_validator</c>), e.g. pinning: it gets
    /// the server's certificate and the target host, and returns <see langword="false"/> to refuse the connection.
    /// </summary>
    public Func<X509Certificate2, string, bool>? CertificateValidator { get; init; }

    /// <summary>The TLS versions allowed; <see cref="SslProtocols.None"/> (the default) lets the system choose (TLS 1.2 and 1.3).</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    /// <summary>Whether the server certificate's revocation is checked online; off by default, like <c>SslStream</c>.</summary>
    public X509RevocationMode RevocationMode { get; init; } = X509RevocationMode.NoCheck;

    /// <summary>
    /// Accepts ANY server certificate: expired, self-signed, or naming another host. This removes TLS's protection
    /// against a man in the middle; for throwaway test set-ups only. <see cref="CertificateValidator"/> still runs.
    /// </summary>
    public bool DangerousAcceptAnyServerCertificate { get; init; }

    /// <summary>Whether a client certificate is configured.</summary>
    public bool HasClientCertificate => ClientCertificate is not null || ClientCertificateFile is not null;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("TargetHost = ").Append(TargetHost ?? "(endpoint host)");
        builder.Append(", CaFile = ").Append(CaFile ?? "(system store)");
        builder.Append(", ClientCertificateFile = ").Append(ClientCertificateFile ?? (ClientCertificate is null ? "(none)" : ClientCertificate.Subject));
        builder.Append(", ClientKeyFile = ").Append(ClientKeyFile ?? "(none)");
        builder.Append(", ClientKeyPassword = ").Append(ClientKeyPassword is null ? "(none)" : Redaction.Mask);
        builder.Append(", CertificateValidator = ").Append(CertificateValidator is null ? "(none)" : "(set)");
        builder.Append(", EnabledProtocols = ").Append(EnabledProtocols == SslProtocols.None ? "(system)" : EnabledProtocols.ToString());
        builder.Append(", RevocationMode = ").Append(RevocationMode);
        if (DangerousAcceptAnyServerCertificate)
        {
            builder.Append(", DangerousAcceptAnyServerCertificate = true");
        }

        return true;
    }
}

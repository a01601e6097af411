using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rx.Stomp.Transport;

/// <summary>
/// One TLS handshake's client side, shared by <see cref="TcpTransport"/> (SslStream) and <see cref="WebSocketTransport"/>
/// (wss): the authentication options, a validation that records WHY it refused a server certificate, and the
/// translation of the handshake's failure into a <see cref="StompTlsException"/> naming that reason.
/// </summary>
internal sealed class TlsClientAuthentication
{
    private readonly StompTlsOptions _tls;
    private readonly X509Certificate2Collection? _trustedRoots;
    private TlsFailure? _refusal;
    private string? _refusalDetail;

    private TlsClientAuthentication(StompTlsOptions tls, string targetHost, X509Certificate2Collection? trustedRoots, X509Certificate2? clientCertificate)
    {
        _tls = tls;
        TargetHost = targetHost;
        _trustedRoots = trustedRoots;
        Options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            EnabledSslProtocols = tls.EnabledProtocols,
            CertificateRevocationCheckMode = tls.RevocationMode,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors),
        };
    }

    /// <summary>The name sent as SNI and checked against the server's certificate.</summary>
    public string TargetHost { get; }

    /// <summary>The options of <see cref="SslStream.AuthenticateAsClientAsync(SslClientAuthenticationOptions, CancellationToken)"/>.</summary>
    public SslClientAuthenticationOptions Options { get; }

    /// <summary>Reads the CA file and the client certificate of <paramref name="tls"/>.</summary>
    /// <exception cref="StompTlsException">A file is missing or unreadable (<see cref="TlsFailure.CredentialsUnreadable"/>).</exception>
    public static TlsClientAuthentication Create(StompEndpoint endpoint, StompTlsOptions tls)
    {
        var targetHost = tls.TargetHost ?? endpoint.Host;
        try
        {
            var roots = tls.CaFile is null ? null : LoadCaFile(tls.CaFile);
            return new TlsClientAuthentication(tls, targetHost, roots, LoadClientCertificate(tls));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            // The message names the file, never the password.
            throw new StompTlsException(TlsFailure.CredentialsUnreadable, $"The TLS credentials for {endpoint} could not be read: {e.Message}", e);
        }
    }

    private static X509Certificate2Collection LoadCaFile(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return roots.Count > 0 ? roots : throw new CryptographicException($"'{path}' holds no PEM certificate.");
    }

    private static X509Certificate2? LoadClientCertificate(StompTlsOptions tls)
    {
        if (tls.ClientCertificate is { } given)
        {
            return given;
        }

        if (tls.ClientCertificateFile is not { } file)
        {
            return null;
        }

        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"The client certificate '{file}' does not exist.", file);
        }

        if (file.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(file, tls.ClientKeyPassword);
        }

        using var pem = tls.ClientKeyPassword is null
            ? X509Certificate2.CreateFromPemFile(file, tls.ClientKeyFile)
            : X509Certificate2.CreateFromEncryptedPemFile(file, tls.ClientKeyPassword, tls.ClientKeyFile);
        // A PEM key is ephemeral; some TLS back ends only present a certificate whose key came from PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate check: chain (system store or CA file), validity, host name, then the user's validator.</summary>
    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return Refuse(TlsFailure.NoServerCertificate, "the server sent no certificate");
        }

        var server = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (!_tls.DangerousAcceptAnyServerCertificate)
        {
            if (CheckChain(server, chain, errors) is { } problem)
            {
                return Refuse(problem.Reason, problem.Detail);
            }

            // Checked here rather than left to the platform, so that a wss target host other than the URL's is honoured.
            if (!server.MatchesHostname(TargetHost))
            {
                return Refuse(TlsFailure.NameMismatch, $"the server's certificate ({server.Subject}) does not name '{TargetHost}'");
            }
        }

        return _tls.CertificateValidator is not { } validator || validator(server, TargetHost)
            || Refuse(TlsFailure.RejectedByValidator, $"the certificate validator refused {server.Subject}");
    }

    private (TlsFailure Reason, string Detail)? CheckChain(X509Certificate2 server, X509Chain? platformChain, SslPolicyErrors errors)
    {
        if (_trustedRoots is null)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 ? null : Classify(server, platformChain?.ChainStatus ?? []);
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots);
        chain.ChainPolicy.RevocationMode = _tls.RevocationMode;
        if (platformChain is not null)
        {
            // The intermediates the server sent.
            foreach (var element in platformChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(server) ? null : Classify(server, chain.ChainStatus);
    }

    private static (TlsFailure, string) Classify(X509Certificate2 server, X509ChainStatus[] status)
    {
        var flags = status.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var text = string.Join("; ", status.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return (TlsFailure.Expired, $"the server's certificate ({server.Subject}) is valid only from {server.NotBefore:u} to {server.NotAfter:u}");
        }

        return (flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0
            ? (TlsFailure.UntrustedRoot, $"the server's certificate ({server.Subject}, issued by {server.Issuer}) does not chain to a trusted root")
            : (TlsFailure.InvalidChain, $"the server's certificate chain is invalid ({text})");
    }

    private bool Refuse(TlsFailure reason, string detail)
    {
        _refusal = reason;
        _refusalDetail = detail;
        return false;
    }

    /// <summary>
    /// The typed error for a failed handshake: this side's refusal when there was one; else the server refused us,
    /// which with no client certificate given most likely means it requires one.
    /// </summary>
    public StompTlsException Failed(StompEndpoint endpoint, Exception handshakeError)
    {
        if (_refusal is { } reason)
        {
            return new StompTlsException(reason, $"TLS to {endpoint} refused: {_refusalDetail}.", handshakeError);
        }

        return ServerRefused(endpoint, handshakeError);
    }

    /// <summary>The server ended the handshake (TLS 1.2), or the connection right after it (TLS 1.3 checks client certificates then).</summary>
    public StompTlsException ServerRefused(StompEndpoint endpoint, Exception error)
    {
        var detail = Innermost(error).Message;
        return _tls.HasClientCertificate
            ? new StompTlsException(TlsFailure.ClientCertificateRejected, $"The TLS server at {endpoint} refused the handshake, and with it probably the client certificate: {detail}", error)
            : new StompTlsException(TlsFailure.ClientCertificateRequired, $"The TLS server at {endpoint} refused the handshake; it probably requires a client certificate and none was given: {detail}", error);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    /// <summary>Whether <paramref name="error"/> is a TLS failure (an alert, a handshake error) rather than a plain network one.</summary>
    public static bool IsTlsError(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException || e.GetType().Name.Contains("Ssl", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

namespace Rx.Stomp;

/// <summary>
/// The TLS handshake failed: the server's certificate was refused (<see cref="Reason"/> says why), or the server
/// refused this client. Not retried: like a refused login, a certificate does not heal by trying again.
/// </summary>
public sealed class StompTlsException : StompConnectionException
{
    /// <summary>Creates the exception.</summary>
    public StompTlsException(TlsFailure reason, string message, Exception? innerException) : base(message, innerException) => Reason = reason;

    /// <summary>Creates the exception.</summary>
    public StompTlsException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StompTlsException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public StompTlsException() { }

    /// <summary>Why the handshake failed.</summary>
    public TlsFailure Reason { get; } = TlsFailure.HandshakeFailed;
}

/// <summary>Why a TLS handshake failed.</summary>
public enum TlsFailure
{
    /// <summary>The handshake failed for a reason not listed here (see the inner exception).</summary>
    HandshakeFailed,

    /// <summary>The server's certificate does not chain to a trusted root (the system store, or the CA file given).</summary>
    UntrustedRoot,

    /// <summary>The server's certificate names another host than the one connected to (or the target host given).</summary>
    NameMismatch,

    /// <summary>The server's certificate (or one of its chain) is expired or not yet valid.</summary>
    Expired,

    /// <summary>The server's certificate chain is invalid for another reason (revoked, wrong usage…).</summary>
    InvalidChain,

    /// <summary>The server sent no certificate.</summary>
    NoServerCertificate,

    /// <summary>The <see cref="Transport.StompTlsOptions.CertificateValidator"/> refused the certificate.</summary>
    RejectedByValidator,

    /// <summary>The server refused the handshake and no client certificate was given: it probably requires one.</summary>
    ClientCertificateRequired,

    /// <summary>The server refused the client certificate given (e.g. from a CA it does not trust).</summary>
    ClientCertificateRejected,

    /// <summary>The client certificate, its key or the CA file could not be read (missing file, wrong password…).</summary>
    CredentialsUnreadable,
}

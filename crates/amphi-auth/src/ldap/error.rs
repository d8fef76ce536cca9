//! What can go wrong talking to a directory, and how ldap3's answers and errors map onto it.

use std::time::Duration;

/// Why an LDAP sign-in or connection test failed. Only [`LdapError::InvalidCredentials`] is
/// the person's doing; every other variant is for the administrator (the detail says what went
/// wrong and never holds a password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LdapError {
    /// Wrong password, unknown or ambiguous name, or empty password: indistinguishable on
    /// purpose.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// The directory could not be reached (connection refused, no route, name not found,
    /// connection dropped).
    #[error("the directory is unreachable: {0}")]
    Unreachable(String),
    /// A network step did not finish within the configured timeout.
    #[error("the directory did not answer in time: {0}")]
    Timeout(String),
    /// TLS failed: untrusted certificate, wrong host name, StartTLS refused, handshake failure.
    #[error("TLS failure: {0}")]
    Tls(String),
    /// The service account could not bind (wrong DN or password, account disabled).
    #[error("the service account could not bind: {0}")]
    ServiceBindFailed(String),
    /// The configuration is unusable (bad URL, filter, base DN).
    #[error("bad LDAP configuration: {0}")]
    Config(String),
    /// Any other answer from the directory.
    #[error("directory error: {0}")]
    Directory(String),
}

impl LdapError {
    /// Stable snake_case code, for messages and the audit trail.
    pub fn code(&self) -> &'static str {
        match self {
            LdapError::InvalidCredentials => "ldap_invalid_credentials",
            LdapError::Unreachable(_) => "ldap_unreachable",
            LdapError::Timeout(_) => "ldap_timeout",
            LdapError::Tls(_) => "ldap_tls",
            LdapError::ServiceBindFailed(_) => "ldap_service_bind_failed",
            LdapError::Config(_) => "ldap_config",
            LdapError::Directory(_) => "ldap_directory",
        }
    }

    /// True when the person typed something wrong; false when the directory or its
    /// configuration is at fault (show "sign-in through the directory is unavailable").
    pub fn is_invalid_credentials(&self) -> bool {
        matches!(self, LdapError::InvalidCredentials)
    }
}

pub(super) fn search_result_error(result: &ldap3::LdapResult) -> LdapError {
    match result.rc {
        // filterError, invalidDNSyntax, noSuchAttribute (in the filter)
        87 | 34 | 17 => LdapError::Config(describe(result)),
        _ => LdapError::Directory(describe(result)),
    }
}

/// `name (code): diagnostic`, for an LDAP result code.
pub(super) fn describe(result: &ldap3::LdapResult) -> String {
    let name = match result.rc {
        1 => "operations error",
        2 => "protocol error",
        3 => "time limit exceeded",
        4 => "size limit exceeded",
        8 => "stronger authentication required",
        10 => "referral",
        11 => "administrative limit exceeded",
        13 => "confidentiality required",
        17 => "undefined attribute type",
        32 => "no such object",
        34 => "invalid DN syntax",
        48 => "inappropriate authentication",
        49 => "invalid credentials",
        50 => "insufficient access rights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwilling to perform",
        80 => "other",
        87 => "filter error",
        _ => "error",
    };
    let mut s = format!("{name} ({})", result.rc);
    if !result.text.trim().is_empty() {
        s.push_str(": ");
        s.push_str(result.text.trim());
    }
    if result.rc == 10 && !result.refs.is_empty() {
        s.push_str(&format!(" (referred to {})", result.refs.join(", ")));
    }
    s
}

pub(super) fn timeout_error(what: &str, timeout: Duration) -> LdapError {
    LdapError::Timeout(format!(
        "{what} took longer than {} ms",
        timeout.as_millis()
    ))
}

/// Maps an error from opening the connection (TCP, StartTLS, TLS handshake).
pub(super) fn connect_error(e: ldap3::LdapError, tls: bool, timeout: Duration) -> LdapError {
    use ldap3::LdapError as E;
    match e {
        E::Timeout { .. } => timeout_error("connecting", timeout),
        E::Io { source } => io_error(source, tls),
        E::Rustls { source } => LdapError::Tls(tls_message(&source)),
        E::DNSName { source } => LdapError::Tls(format!(
            "the host name cannot be checked with TLS: {source}"
        )),
        // The StartTLS extended operation was refused.
        E::LdapResult { result } => LdapError::Tls(format!(
            "the server refused StartTLS: {}",
            describe(&result)
        )),
        E::UrlParsing { .. } | E::UnknownScheme(_) => LdapError::Config(e.to_string()),
        other => LdapError::Unreachable(other.to_string()),
    }
}

/// Maps an error from an operation on an open connection.
pub(super) fn operation_error(e: ldap3::LdapError, what: &str, timeout: Duration) -> LdapError {
    use ldap3::LdapError as E;
    match e {
        E::Timeout { .. } => timeout_error(what, timeout),
        E::FilterParsing => LdapError::Config("the search filter is not valid".to_owned()),
        E::LdapResult { result } => LdapError::Directory(describe(&result)),
        E::Io { source } => io_error(source, false),
        // The connection went away while we were waiting.
        other => LdapError::Unreachable(format!("{what}: the connection was lost ({other})")),
    }
}

fn io_error(e: std::io::Error, tls: bool) -> LdapError {
    use std::io::ErrorKind as K;
    if let Some(inner) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return LdapError::Tls(tls_message(inner));
    }
    match e.kind() {
        K::TimedOut => LdapError::Timeout(format!("connecting: {e}")),
        K::ConnectionRefused
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::AddrNotAvailable
        | K::NotFound => LdapError::Unreachable(e.to_string()),
        _ if tls => LdapError::Tls(format!("the TLS handshake failed: {e}")),
        _ => LdapError::Unreachable(e.to_string()),
    }
}

fn tls_message(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let why = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => "it is not signed by a trusted CA (add the directory's CA \
                 certificate to the configuration)"
                .to_owned(),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "it does not name the host in the URL".to_owned()
            }
            C::Expired | C::ExpiredContext { .. } => "it has expired".to_owned(),
            C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".to_owned(),
            C::Revoked => "it has been revoked".to_owned(),
            other => format!("{other:?}"),
        },
        other => return other.to_string(),
    };
    format!("the server's certificate was refused: {why}")
}

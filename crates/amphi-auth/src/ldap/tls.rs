//! TLS to the directory: the system trust roots plus an optional custom CA, through rustls.

use super::error::LdapError;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use std::sync::{Arc, OnceLock};

/// The system trust roots, loaded once.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// Certificates from a PEM bundle; an error when there is none or one does not parse.
pub(super) fn parse_ca(pem: &str) -> Result<Vec<CertificateDer<'static>>, LdapError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| LdapError::Config(format!("the CA certificate is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(LdapError::Config(
            "the CA certificate holds no PEM certificate".to_owned(),
        ));
    }
    let mut store = RootCertStore::empty();
    for c in &certs {
        store
            .add(c.clone())
            .map_err(|e| LdapError::Config(format!("the CA certificate cannot be used: {e}")))?;
    }
    Ok(certs)
}

pub(super) fn tls_config(ca_pem: Option<&str>) -> Result<Arc<ClientConfig>, LdapError> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(system_roots().iter().cloned());
    if let Some(pem) = ca_pem.filter(|p| !p.trim().is_empty()) {
        for c in parse_ca(pem)? {
            roots.add(c).map_err(|e| {
                LdapError::Config(format!("the CA certificate cannot be used: {e}"))
            })?;
        }
    }
    // An explicit provider: the process may have several compiled in, and then rustls cannot
    // pick a default on its own.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LdapError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

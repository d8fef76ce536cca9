//! Keys and certificates, parsed once from PEM so that a bad one is refused when the
//! configuration is made, not at the first sign-in.

use crate::SamlError;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509NameBuilder, X509};

/// An X.509 certificate (an IdP's signing certificate, or the public half of an SP key pair).
#[derive(Clone)]
pub struct Certificate {
    x509: X509,
    der: Vec<u8>,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("sha256", &self.sha256_fingerprint())
            .finish()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Certificate {
    /// Parses one PEM certificate (`-----BEGIN CERTIFICATE-----`).
    pub fn from_pem(pem: &str) -> Result<Self, SamlError> {
        let x509 = X509::from_pem(pem.trim().as_bytes())
            .map_err(|_| SamlError::Config("not a PEM X.509 certificate".into()))?;
        Self::from_x509(x509)
    }

    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, SamlError> {
        let x509 = X509::from_der(der)
            .map_err(|_| SamlError::Config("not a DER X.509 certificate".into()))?;
        Self::from_x509(x509)
    }

    fn from_x509(x509: X509) -> Result<Self, SamlError> {
        let der = x509
            .to_der()
            .map_err(|_| SamlError::Config("certificate cannot be encoded".into()))?;
        Ok(Certificate { x509, der })
    }

    /// The certificate as PEM.
    pub fn to_pem(&self) -> String {
        self.x509
            .to_pem()
            .ok()
            .and_then(|p| String::from_utf8(p).ok())
            .unwrap_or_default()
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The base64 of the DER bytes, as in `<ds:X509Certificate>`.
    pub fn base64_der(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&self.der)
    }

    /// SHA-256 fingerprint as colon-separated upper-case hex, for display to administrators.
    pub fn sha256_fingerprint(&self) -> String {
        self.x509
            .digest(MessageDigest::sha256())
            .map(|d| {
                d.iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .unwrap_or_default()
    }

    pub(crate) fn x509(&self) -> &X509 {
        &self.x509
    }

    pub(crate) fn samael(&self) -> samael::crypto::CertificateDer {
        samael::crypto::CertificateDer::from(self.der.clone())
    }
}

/// A private key and its certificate (the SP's signing pair, or its encryption pair).
#[derive(Clone)]
pub struct KeyPair {
    key: PKey<Private>,
    cert: Certificate,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("cert", &self.cert)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl KeyPair {
    /// Parses a PEM private key (PKCS#8 or PKCS#1) and its PEM certificate, and checks that
    /// they belong together.
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Self, SamlError> {
        let key = PKey::private_key_from_pem(key_pem.trim().as_bytes())
            .map_err(|_| SamlError::Config("not a PEM private key".into()))?;
        let cert = Certificate::from_pem(cert_pem)?;
        let public = cert
            .x509()
            .public_key()
            .map_err(|_| SamlError::Config("certificate has no usable public key".into()))?;
        if !key.public_eq(&public) {
            return Err(SamlError::Config(
                "the private key does not belong to the certificate".into(),
            ));
        }
        if key.rsa().is_err() {
            return Err(SamlError::Config(
                "only RSA keys are supported for SAML signing and decryption".into(),
            ));
        }
        Ok(KeyPair { key, cert })
    }

    /// Makes a new RSA-2048 key and a self-signed certificate valid for `valid_days` days
    /// (what most IdPs expect from an SP; the certificate's dates are not checked in SAML).
    pub fn generate_self_signed(common_name: &str, valid_days: u32) -> Result<Self, SamlError> {
        let err = |_| SamlError::Internal("key generation failed".into());
        let rsa = Rsa::generate(2048).map_err(err)?;
        let key = PKey::from_rsa(rsa).map_err(err)?;
        let mut name = X509NameBuilder::new().map_err(err)?;
        name.append_entry_by_text("CN", common_name).map_err(err)?;
        let name = name.build();
        let mut builder = X509::builder().map_err(err)?;
        builder.set_version(2).map_err(err)?;
        let mut serial = BigNum::new().map_err(err)?;
        serial
            .rand(127, MsbOption::MAYBE_ZERO, false)
            .map_err(err)?;
        let serial = serial.to_asn1_integer().map_err(err)?;
        builder.set_serial_number(&serial).map_err(err)?;
        builder.set_subject_name(&name).map_err(err)?;
        builder.set_issuer_name(&name).map_err(err)?;
        builder.set_pubkey(&key).map_err(err)?;
        let not_before = Asn1Time::days_from_now(0).map_err(err)?;
        let not_after = Asn1Time::days_from_now(valid_days).map_err(err)?;
        builder.set_not_before(&not_before).map_err(err)?;
        builder.set_not_after(&not_after).map_err(err)?;
        builder.sign(&key, MessageDigest::sha256()).map_err(err)?;
        let cert = Certificate::from_x509(builder.build())?;
        Ok(KeyPair { key, cert })
    }

    /// The private key as PKCS#8 PEM (to store it, encrypted at rest, by the caller).
    pub fn key_pem(&self) -> Result<String, SamlError> {
        self.key
            .private_key_to_pem_pkcs8()
            .ok()
            .and_then(|p| String::from_utf8(p).ok())
            .ok_or_else(|| SamlError::Internal("key cannot be encoded".into()))
    }

    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    pub(crate) fn key(&self) -> &PKey<Private> {
        &self.key
    }
}

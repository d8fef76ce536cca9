//! What the SP needs to know about itself and about the IdP it trusts.

use crate::error::shorten;
use crate::keys::{Certificate, KeyPair};
use crate::SamlError;
use chrono::Duration;
use samael::metadata::EntityDescriptor;

/// The HTTP-Redirect binding URI.
pub const BINDING_HTTP_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
/// The HTTP-POST binding URI.
pub const BINDING_HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// This service provider (one per tenant and provider): its URLs, keys and policy.
#[derive(Debug, Clone)]
pub struct SpConfig {
    /// The SP's entity id (usually its metadata URL); the assertion's Audience must be this.
    pub entity_id: String,
    /// Assertion Consumer Service URL (HTTP-POST); Destination and Recipient must be this.
    pub acs_url: String,
    /// Single Logout URL (HTTP-Redirect).
    pub slo_url: String,
    /// Key pair signing the SP's requests (AuthnRequest when the IdP wants it, logout).
    pub signing: KeyPair,
    /// Key pair the IdP encrypts assertions for; `None` to advertise none (the signing pair
    /// is then also tried for decryption).
    pub encryption: Option<KeyPair>,
    /// The whole Response must carry a valid IdP signature.
    pub want_response_signed: bool,
    /// The assertion itself must carry a valid IdP signature.
    pub want_assertions_signed: bool,
    /// Accept responses that answer no request of ours (IdP-initiated sign-in). Off by default.
    pub allow_idp_initiated: bool,
    /// Tolerated clock difference with the IdP for NotBefore / NotOnOrAfter.
    pub clock_skew: Duration,
}

impl SpConfig {
    /// An SP with the safe defaults: signed assertions required, IdP-initiated sign-in
    /// refused, no encryption key, two minutes of clock skew.
    pub fn new(
        entity_id: impl Into<String>,
        acs_url: impl Into<String>,
        slo_url: impl Into<String>,
        signing: KeyPair,
    ) -> Self {
        SpConfig {
            entity_id: entity_id.into(),
            acs_url: acs_url.into(),
            slo_url: slo_url.into(),
            signing,
            encryption: None,
            want_response_signed: false,
            want_assertions_signed: true,
            allow_idp_initiated: false,
            clock_skew: Duration::minutes(2),
        }
    }

    /// Refuses a configuration that cannot be safe: no signature required, an empty entity
    /// id, relative URLs, or a clock skew over ten minutes.
    pub fn check(&self) -> Result<(), SamlError> {
        if !self.want_response_signed && !self.want_assertions_signed {
            return Err(SamlError::Config(
                "a signed response or a signed assertion (or both) must be required".into(),
            ));
        }
        if self.entity_id.trim().is_empty() {
            return Err(SamlError::Config("the SP entity id is empty".into()));
        }
        for (what, value) in [("ACS", &self.acs_url), ("SLO", &self.slo_url)] {
            if url::Url::parse(value).is_err() {
                return Err(SamlError::Config(format!(
                    "the SP {what} URL is not an absolute URL"
                )));
            }
        }
        if self.clock_skew < Duration::zero() || self.clock_skew > Duration::minutes(10) {
            return Err(SamlError::Config(
                "the clock skew must be between 0 and 10 minutes".into(),
            ));
        }
        Ok(())
    }

    /// The keys to try on an encrypted assertion: the encryption pair, then the signing pair.
    pub(crate) fn decryption_keys(&self) -> Vec<&KeyPair> {
        let mut keys = Vec::new();
        if let Some(enc) = &self.encryption {
            keys.push(enc);
        }
        keys.push(&self.signing);
        keys
    }
}

/// The identity provider this SP trusts.
#[derive(Debug, Clone, PartialEq)]
pub struct IdpConfig {
    /// The IdP's entity id; the Issuer of its messages must be this.
    pub entity_id: String,
    /// Single Sign-On URL for the HTTP-Redirect binding.
    pub sso_url: String,
    /// Single Logout URL for the HTTP-Redirect binding, when the IdP has one.
    pub slo_url: Option<String>,
    /// Certificates whose keys may sign for the IdP (several during a key rollover).
    pub signing_certificates: Vec<Certificate>,
    /// The IdP asks for signed AuthnRequests (`WantAuthnRequestsSigned`).
    pub want_authn_requests_signed: bool,
}

impl IdpConfig {
    /// Reads an IdP's SAML 2.0 metadata (one `EntityDescriptor` with an `IDPSSODescriptor`).
    /// Needs an HTTP-Redirect SingleSignOnService and at least one signing certificate.
    pub fn from_metadata_xml(xml: &str) -> Result<Self, SamlError> {
        if xml.len() > 1_000_000 {
            return Err(SamlError::Metadata(
                "the metadata is larger than 1 MB".into(),
            ));
        }
        let trimmed = xml.trim_start_matches('\u{feff}').trim();
        if trimmed.is_empty() {
            return Err(SamlError::Metadata("the metadata is empty".into()));
        }
        if root_local_name(trimmed).as_deref() == Some("EntitiesDescriptor") {
            return Err(SamlError::Metadata(
                "this is a federation file (EntitiesDescriptor); give the metadata of one IdP (EntityDescriptor)"
                    .into(),
            ));
        }
        let entity: EntityDescriptor = trimmed.parse().map_err(|_| {
            SamlError::Metadata("not SAML 2.0 metadata (an EntityDescriptor XML document)".into())
        })?;
        let entity_id = entity
            .entity_id
            .clone()
            .filter(|e| !e.trim().is_empty())
            .ok_or_else(|| SamlError::Metadata("the EntityDescriptor has no entityID".into()))?;
        let idp = entity
            .idp_sso_descriptors
            .as_ref()
            .and_then(|d| d.first())
            .ok_or_else(|| {
                SamlError::Metadata(
                    "no IDPSSODescriptor: this is not an identity provider's metadata".into(),
                )
            })?;
        let sso_url = idp
            .single_sign_on_services
            .iter()
            .find(|s| s.binding == BINDING_HTTP_REDIRECT)
            .map(|s| s.location.clone())
            .ok_or_else(|| {
                SamlError::Metadata("the IdP has no SingleSignOnService for HTTP-Redirect".into())
            })?;
        if url::Url::parse(&sso_url).is_err() {
            return Err(SamlError::Metadata(format!(
                "the SingleSignOnService location is not a URL: {}",
                shorten(&sso_url)
            )));
        }
        let slo_url = idp
            .single_logout_services
            .iter()
            .find(|s| s.binding == BINDING_HTTP_REDIRECT)
            .map(|s| s.location.clone());

        let mut signing_certificates = Vec::new();
        for use_wanted in [Some("signing"), None] {
            for kd in &idp.key_descriptors {
                let usage = kd.key_use.as_deref().filter(|u| !u.is_empty());
                if usage != use_wanted {
                    continue;
                }
                let Some(data) = &kd.key_info.x509_data else {
                    continue;
                };
                for cert in &data.certificates {
                    let der = samael::crypto::decode_x509_cert(cert).map_err(|_| {
                        SamlError::Metadata("a signing certificate is not valid base64".into())
                    })?;
                    let cert = Certificate::from_der(der.der_data()).map_err(|_| {
                        SamlError::Metadata(
                            "a signing certificate is not an X.509 certificate".into(),
                        )
                    })?;
                    if !signing_certificates.contains(&cert) {
                        signing_certificates.push(cert);
                    }
                }
            }
            // Keys without a `use` sign too, but only when none is marked for signing.
            if !signing_certificates.is_empty() {
                break;
            }
        }
        if signing_certificates.is_empty() {
            return Err(SamlError::Metadata(
                "the IdP metadata has no signing certificate".into(),
            ));
        }
        Ok(IdpConfig {
            entity_id,
            sso_url,
            slo_url,
            signing_certificates,
            want_authn_requests_signed: idp.want_authn_requests_signed.unwrap_or(false),
        })
    }

    pub(crate) fn samael_certs(&self) -> Vec<samael::crypto::CertificateDer> {
        self.signing_certificates
            .iter()
            .map(Certificate::samael)
            .collect()
    }
}

/// The local name of the document's root element, if it has one.
pub(crate) fn root_local_name(xml: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                return Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

//! The SP's own metadata, published at a stable URL for the IdP's administrator.

use crate::config::{SpConfig, BINDING_HTTP_POST, BINDING_HTTP_REDIRECT};
use crate::keys::Certificate;
use quick_xml::escape::escape;

/// The SP's SAML 2.0 metadata: entity id, signing and encryption certificates, the ACS
/// (HTTP-POST) and the SLO (HTTP-Redirect) endpoints, and which signatures it wants.
pub fn sp_metadata(sp: &SpConfig) -> String {
    let signing = key_descriptor("signing", sp.signing.certificate(), "");
    let encryption_cert = sp
        .encryption
        .as_ref()
        .map(|k| k.certificate())
        .unwrap_or_else(|| sp.signing.certificate());
    let encryption = key_descriptor(
        "encryption",
        encryption_cert,
        concat!(
            r#"<md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>"#,
            r#"<md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>"#,
            r#"<md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>"#,
        ),
    );
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity}">"#,
            r#"<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="false" WantAssertionsSigned="{want_assertions}">"#,
            "{signing}{encryption}",
            r#"<md:SingleLogoutService Binding="{redirect}" Location="{slo}"/>"#,
            r#"<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>"#,
            r#"<md:AssertionConsumerService Binding="{post}" Location="{acs}" index="0" isDefault="true"/>"#,
            "</md:SPSSODescriptor></md:EntityDescriptor>\n"
        ),
        entity = escape(sp.entity_id.as_str()),
        want_assertions = sp.want_assertions_signed,
        signing = signing,
        encryption = encryption,
        redirect = BINDING_HTTP_REDIRECT,
        slo = escape(sp.slo_url.as_str()),
        post = BINDING_HTTP_POST,
        acs = escape(sp.acs_url.as_str()),
    )
}

fn key_descriptor(usage: &str, cert: &Certificate, methods: &str) -> String {
    format!(
        r#"<md:KeyDescriptor use="{usage}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{methods}</md:KeyDescriptor>"#,
        cert.base64_der()
    )
}

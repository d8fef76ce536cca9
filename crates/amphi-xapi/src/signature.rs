//! Signed statements (Data 2.6): the signature is a JWS (compact serialisation) in an
//! attachment of usage type [`crate::SIGNATURE_USAGE`]; its algorithm is RS256, RS384 or
//! RS512; its payload is the statement as it was before the signature was attached, which
//! must be the same statement ([`crate::compare::same`]). With an `x5c` header, the first
//! certificate's key must verify the signature; without one, the LRS cannot check who signed
//! and only checks the form and the payload (the spec leaves trust to the reader).

use crate::{compare, Result, XapiError};
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

/// The `sha2` of a statement's signature attachment, if it has one (from a checked statement).
pub fn signature_sha2(statement: &Value) -> Option<String> {
    statement
        .get("attachments")?
        .as_array()?
        .iter()
        .find(|a| a.get("usageType").and_then(Value::as_str) == Some(crate::SIGNATURE_USAGE))
        .and_then(|a| a.get("sha2")?.as_str())
        .map(str::to_lowercase)
}

/// Checks a statement's signature: `jws` is the content of its signature attachment.
pub fn verify(statement: &Value, jws: &[u8]) -> Result<()> {
    let bad = |m: &str| XapiError::new("statement.attachments (signature)", m);
    let token = std::str::from_utf8(jws)
        .map_err(|_| bad("the signature is not a JWS"))?
        .trim();
    let header = jsonwebtoken::decode_header(token)
        .map_err(|e| bad(&format!("the signature is not a JWS: {e}")))?;
    if !matches!(
        header.alg,
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512
    ) {
        return Err(bad(
            "the signature's algorithm must be RS256, RS384 or RS512",
        ));
    }
    let payload_b64 = token
        .split('.')
        .nth(1)
        .ok_or_else(|| bad("the signature is not a JWS"))?;
    let payload: Value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload_b64.trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| bad("the signature's payload is not a statement"))?;
    if let Some(chain) = header.x5c.as_ref().filter(|c| !c.is_empty()) {
        let der = base64::engine::general_purpose::STANDARD
            .decode(&chain[0])
            .map_err(|_| bad("x5c is not base64"))?;
        let (_, cert) = x509_parser::parse_x509_certificate(&der)
            .map_err(|_| bad("x5c's first certificate does not read"))?;
        let key = DecodingKey::from_rsa_der(&cert.public_key().subject_public_key.data);
        let mut v = Validation::new(header.alg);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        v.validate_nbf = false;
        v.validate_aud = false;
        jsonwebtoken::decode::<Value>(token, &key, &v)
            .map_err(|_| bad("the signature does not verify with x5c's certificate"))?;
    }
    let mut check = payload.clone();
    crate::validate::statement(&mut check).map_err(|e| {
        bad(&format!(
            "the signature's payload is not a valid statement: {e}"
        ))
    })?;
    let mut original = statement.clone();
    if let Some(m) = original.as_object_mut() {
        // The payload has no id when the client let the LRS assign it.
        if payload.get("id").is_none() {
            m.remove("id");
        }
    }
    if !compare::same(&original, &payload) {
        return Err(bad("the signature's payload is not this statement"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    /// A throwaway RSA key and a self-signed certificate of it (openssl req -x509, test only).
    const KEY: &str = include_str!("../tests/keys/signer.key");
    const CERT: &str = include_str!("../tests/keys/signer.crt");
    const OTHER_CERT: &str = include_str!("../tests/keys/other.crt");

    fn statement() -> Value {
        json!({
            "actor": {"mbox": "mailto:a@example.com"},
            "verb": {"id": "http://example.com/v"},
            "object": {"id": "http://example.com/a"},
        })
    }

    fn der(pem_text: &str) -> String {
        let b64: String = pem_text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        b64
    }

    fn sign(payload: &Value, alg: Algorithm, x5c: Option<&str>) -> String {
        let mut h = Header::new(alg);
        h.x5c = x5c.map(|c| vec![der(c)]);
        let key = EncodingKey::from_rsa_pem(KEY.as_bytes()).unwrap();
        jsonwebtoken::encode(&h, payload, &key).unwrap()
    }

    #[test]
    fn good_signatures() {
        for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512] {
            let jws = sign(&statement(), alg, Some(CERT));
            assert_eq!(verify(&statement(), jws.as_bytes()), Ok(()), "{alg:?}");
        }
        let jws = sign(&statement(), Algorithm::RS256, None);
        assert_eq!(verify(&statement(), jws.as_bytes()), Ok(()));
    }

    #[test]
    fn payload_must_be_the_statement() {
        let mut other = statement();
        other["verb"]["id"] = json!("http://example.com/other");
        let jws = sign(&other, Algorithm::RS256, Some(CERT));
        assert!(verify(&statement(), jws.as_bytes()).is_err());
    }

    #[test]
    fn wrong_certificate_or_algorithm_or_form() {
        let jws = sign(&statement(), Algorithm::RS256, Some(OTHER_CERT));
        assert!(verify(&statement(), jws.as_bytes()).is_err());
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &statement(),
            &EncodingKey::from_secret(b"k"),
        )
        .unwrap();
        assert!(verify(&statement(), hs.as_bytes()).is_err());
        assert!(verify(&statement(), b"not a jws").is_err());
    }

    #[test]
    fn finds_the_signature_attachment() {
        let s = json!({"attachments": [
            {"usageType": "http://example.com/other", "sha2": "AA"},
            {"usageType": crate::SIGNATURE_USAGE, "sha2": "BB"}]});
        assert_eq!(signature_sha2(&s).as_deref(), Some("bb"));
    }
}

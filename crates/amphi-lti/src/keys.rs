//! The platform's signing keys: RSA 2048 made by aws-lc-rs, kept as PKCS#8 PEM (the caller
//! seals it before storing), published as a JWK whose `kid` is its RFC 7638 thumbprint, and
//! used to sign the messages the platform sends (RS256).

use crate::LtiError;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A key just made.
#[derive(Debug)]
pub struct NewKey {
    /// Its id: the JWK thumbprint.
    pub kid: String,
    /// The private key, PKCS#8 PEM (seal it before storing).
    pub private_pem: String,
    /// The public JWK (`kty`, `alg`, `use`, `kid`, `n`, `e`).
    pub public_jwk: Value,
}

/// Makes an RSA 2048 key pair.
pub fn generate() -> Result<NewKey, LtiError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| LtiError::Crypto(e.to_string()))?;
    let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair)
        .map_err(|e| LtiError::Crypto(e.to_string()))?;
    let private_pem = pem::encode(&pem::Pem::new("PRIVATE KEY", der.as_ref().to_vec()));
    let public = pair.public_key();
    let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
    let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
    let kid = thumbprint(&n, &e);
    Ok(NewKey {
        public_jwk: json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": n, "e": e}),
        kid,
        private_pem,
    })
}

/// RFC 7638 thumbprint of an RSA public key (base64url of the SHA-256 of its canonical JSON).
pub fn thumbprint(n: &str, e: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// Signs claims with the key (RS256, the `kid` in the header).
pub fn sign(claims: &Value, kid: &str, private_pem: &str) -> Result<String, LtiError> {
    let key = EncodingKey::from_rsa_pem(private_pem.as_bytes())
        .map_err(|e| LtiError::Crypto(e.to_string()))?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key).map_err(|e| LtiError::Crypto(e.to_string()))
}

/// The JWKS document of the given public JWKs.
pub fn jwks<'a>(keys: impl IntoIterator<Item = &'a Value>) -> Value {
    json!({"keys": keys.into_iter().collect::<Vec<_>>()})
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{DecodingKey, Validation};

    #[test]
    fn a_signed_message_verifies_with_the_published_key_only() {
        let k = generate().unwrap();
        let other = generate().unwrap();
        assert_ne!(k.kid, other.kid);
        assert_eq!(k.public_jwk["kid"], k.kid.as_str());
        let token = sign(
            &json!({"iss": "https://amphi.test", "aud": "c1", "sub": "u1", "exp": 4102444800_i64}),
            &k.kid,
            &k.private_pem,
        )
        .unwrap();
        assert_eq!(
            jsonwebtoken::decode_header(&token).unwrap().kid.as_deref(),
            Some(k.kid.as_str())
        );
        let set: JwkSet = serde_json::from_value(jwks([&k.public_jwk, &other.public_jwk])).unwrap();
        let mut v = Validation::new(Algorithm::RS256);
        v.set_audience(&["c1"]);
        let good = DecodingKey::from_jwk(set.find(&k.kid).unwrap()).unwrap();
        assert!(jsonwebtoken::decode::<Value>(&token, &good, &v).is_ok());
        let wrong = DecodingKey::from_jwk(set.find(&other.kid).unwrap()).unwrap();
        assert!(jsonwebtoken::decode::<Value>(&token, &wrong, &v).is_err());
    }

    #[test]
    fn the_kid_is_the_rfc7638_thumbprint() {
        // RFC 7638, section 3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(n, "AQAB"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }
}

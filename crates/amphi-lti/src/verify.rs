//! Checks of what a tool signs, per the 1EdTech security framework: the signature by `kid`
//! against the tool's key set (or its pasted key), RS256 only, issuer, audience, expiry and
//! issued-at against the caller's clock, a bounded lifetime. Single use (`jti`, `nonce`) is the
//! caller's: it keeps the values this returns until they expire.

use crate::LtiError;
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Allowed clock difference with a tool, in seconds.
pub const LEEWAY_SECS: i64 = 60;

/// Longest lifetime (`exp - iat`) of a tool's JWT, in seconds.
pub const MAX_LIFETIME_SECS: i64 = 3600;

/// The keys a tool signs with.
#[derive(Debug, Clone, Copy)]
pub enum ToolKeys<'a> {
    /// Its published key set (fetched by the caller).
    Set(&'a JwkSet),
    /// A public key pasted at registration.
    Pem(&'a str),
}

/// What a JWT from a tool must say.
#[derive(Debug, Clone)]
pub struct Expect<'a> {
    /// `iss` (the tool's client id).
    pub issuer: &'a str,
    /// `aud` must contain one of these.
    pub audiences: &'a [&'a str],
    /// The application clock.
    pub now: DateTime<Utc>,
}

/// A verified JWT's claims, with its expiry.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Every claim.
    pub claims: Map<String, Value>,
    /// When it expires (keep its single-use values until then).
    pub expires_at: DateTime<Utc>,
}

impl Verified {
    /// A string claim, trimmed, non-empty.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.claims
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Whether a pasted PEM is an RSA public key a tool could sign with.
pub fn public_key_reads(pem: &str) -> bool {
    DecodingKey::from_rsa_pem(pem.trim().as_bytes()).is_ok() && pem.contains("PUBLIC KEY")
}

/// The `iss` a JWT claims, read without checking anything: only to find whose keys must
/// then verify it.
pub fn unverified_issuer(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("iss")?.as_str().map(str::to_owned)
}

/// The `kid` of a JWT's header (to pick the key, or to know the set must be fetched again).
pub fn key_id(token: &str) -> Result<Option<String>, LtiError> {
    Ok(jsonwebtoken::decode_header(token)
        .map_err(|e| LtiError::Malformed(e.to_string()))?
        .kid)
}

fn decoding_key(keys: ToolKeys<'_>, kid: Option<&str>) -> Result<DecodingKey, LtiError> {
    match keys {
        ToolKeys::Pem(pem) => DecodingKey::from_rsa_pem(pem.trim().as_bytes())
            .map_err(|e| LtiError::Key(e.to_string())),
        ToolKeys::Set(set) => {
            let jwk = match kid {
                Some(k) => set.find(k),
                None if set.keys.len() == 1 => set.keys.first(),
                None => None,
            }
            .ok_or_else(|| LtiError::Key("no key with this kid in the tool's key set".into()))?;
            DecodingKey::from_jwk(jwk).map_err(|e| LtiError::Key(e.to_string()))
        }
    }
}

/// Verifies a tool's JWT: RS256 signature, `iss`, `aud`, `exp`, `iat` (required, not in the
/// future, at most [`MAX_LIFETIME_SECS`] before `exp`).
pub fn verify(token: &str, keys: ToolKeys<'_>, expect: &Expect<'_>) -> Result<Verified, LtiError> {
    let header =
        jsonwebtoken::decode_header(token).map_err(|e| LtiError::Malformed(e.to_string()))?;
    if header.alg != Algorithm::RS256 {
        return Err(LtiError::Algorithm);
    }
    let key = decoding_key(keys, header.kid.as_deref())?;
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[expect.issuer]);
    v.set_audience(expect.audiences);
    // Times are checked below against the application clock.
    v.validate_exp = false;
    v.validate_nbf = false;
    v.required_spec_claims = ["exp", "iss", "aud"]
        .into_iter()
        .map(String::from)
        .collect::<HashSet<_>>();
    let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind as K;
        match e.kind() {
            K::InvalidSignature => LtiError::Signature,
            K::InvalidIssuer => LtiError::Issuer,
            K::InvalidAudience => LtiError::Audience,
            K::InvalidAlgorithm => LtiError::Algorithm,
            K::MissingRequiredClaim(_) => LtiError::Claim("exp, iss or aud"),
            K::InvalidRsaKey(_) | K::InvalidKeyFormat => LtiError::Key(e.to_string()),
            _ => LtiError::Malformed(e.to_string()),
        }
    })?;
    let c = data.claims;
    let int = |name: &str| c.get(name).and_then(Value::as_i64);
    let now = expect.now.timestamp();
    let exp = int("exp").ok_or(LtiError::Claim("exp"))?;
    if exp <= now - LEEWAY_SECS {
        return Err(LtiError::Expired);
    }
    let iat = int("iat").ok_or(LtiError::Lifetime)?;
    if iat > now + LEEWAY_SECS || int("nbf").is_some_and(|n| n > now + LEEWAY_SECS) {
        return Err(LtiError::NotYetValid);
    }
    if exp - iat > MAX_LIFETIME_SECS {
        return Err(LtiError::Lifetime);
    }
    Ok(Verified {
        expires_at: DateTime::from_timestamp(exp, 0).unwrap_or(expect.now),
        claims: c,
    })
}

/// A verified client assertion (RFC 7523): its `jti`, single use until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// The one-time id.
    pub jti: String,
    /// Keep the `jti` until then.
    pub expires_at: DateTime<Utc>,
}

/// Verifies a client assertion: [`verify`] with `iss` = `sub` = the client id, `aud` the token
/// endpoint (or the platform's issuer), and a `jti`.
pub fn client_assertion(
    token: &str,
    keys: ToolKeys<'_>,
    client_id: &str,
    audiences: &[&str],
    now: DateTime<Utc>,
) -> Result<Assertion, LtiError> {
    let v = verify(
        token,
        keys,
        &Expect {
            issuer: client_id,
            audiences,
            now,
        },
    )?;
    if v.str("sub") != Some(client_id) {
        return Err(LtiError::Claim("sub"));
    }
    let jti = v
        .str("jti")
        .filter(|j| j.len() <= 256)
        .ok_or(LtiError::Claim("jti"))?
        .to_owned();
    Ok(Assertion {
        jti,
        expires_at: v.expires_at,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::keys;
    use serde_json::json;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    const NOW: i64 = 1_800_000_000;
    const TOKEN_URL: &str = "https://amphi.test/lti/token";

    fn assertion(k: &keys::NewKey, claims: Value) -> String {
        keys::sign(&claims, &k.kid, &k.private_pem).unwrap()
    }

    fn good() -> Value {
        json!({"iss": "c1", "sub": "c1", "aud": TOKEN_URL, "iat": NOW, "exp": NOW + 300, "jti": "j1"})
    }

    #[test]
    fn client_assertions_are_checked_claim_by_claim() {
        let k = keys::generate().unwrap();
        let set: JwkSet = serde_json::from_value(keys::jwks([&k.public_jwk])).unwrap();
        let keys = ToolKeys::Set(&set);
        let check = |claims: Value| {
            client_assertion(&assertion(&k, claims), keys, "c1", &[TOKEN_URL], at(NOW))
        };
        let ok = check(good()).unwrap();
        assert_eq!(ok.jti, "j1");
        assert_eq!(ok.expires_at, at(NOW + 300));
        let with = |f: &dyn Fn(&mut Value)| {
            let mut c = good();
            f(&mut c);
            check(c).unwrap_err()
        };
        assert_eq!(with(&|c| c["iss"] = json!("c2")), LtiError::Issuer);
        assert_eq!(with(&|c| c["sub"] = json!("c2")), LtiError::Claim("sub"));
        assert_eq!(
            with(&|c| c["aud"] = json!("https://elsewhere/token")),
            LtiError::Audience
        );
        assert_eq!(with(&|c| c["exp"] = json!(NOW - 120)), LtiError::Expired);
        assert_eq!(
            with(&|c| c["iat"] = json!(NOW + 600)),
            LtiError::NotYetValid
        );
        assert_eq!(
            with(&|c| {
                c["iat"] = json!(NOW - 10);
                c["exp"] = json!(NOW + 7200)
            }),
            LtiError::Lifetime
        );
        assert_eq!(
            with(&|c| {
                c.as_object_mut().unwrap().remove("jti");
            }),
            LtiError::Claim("jti")
        );
    }

    #[test]
    fn another_key_or_no_signature_is_refused() {
        let k = keys::generate().unwrap();
        let impostor = keys::generate().unwrap();
        let set: JwkSet = serde_json::from_value(keys::jwks([&k.public_jwk])).unwrap();
        // Signed by a key the set does not hold (its kid is unknown).
        let forged = assertion(&impostor, good());
        assert!(matches!(
            client_assertion(&forged, ToolKeys::Set(&set), "c1", &[TOKEN_URL], at(NOW)),
            Err(LtiError::Key(_))
        ));
        // Signed by another key under the right kid.
        let forged = keys::sign(&good(), &k.kid, &impostor.private_pem).unwrap();
        assert_eq!(
            client_assertion(&forged, ToolKeys::Set(&set), "c1", &[TOKEN_URL], at(NOW)),
            Err(LtiError::Signature)
        );
        // alg none, HS256: refused before any key is looked at.
        let none = format!(
            "{}.{}.",
            base64_url(r#"{"alg":"none","typ":"JWT"}"#),
            base64_url(&good().to_string())
        );
        assert!(client_assertion(&none, ToolKeys::Set(&set), "c1", &[TOKEN_URL], at(NOW)).is_err());
        let hs = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &good(),
            &jsonwebtoken::EncodingKey::from_secret(b"secret"),
        )
        .unwrap();
        assert_eq!(
            client_assertion(&hs, ToolKeys::Set(&set), "c1", &[TOKEN_URL], at(NOW)),
            Err(LtiError::Algorithm)
        );
        assert!(matches!(
            client_assertion(
                "not a jwt",
                ToolKeys::Set(&set),
                "c1",
                &[TOKEN_URL],
                at(NOW)
            ),
            Err(LtiError::Malformed(_))
        ));
    }

    fn base64_url(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }
}

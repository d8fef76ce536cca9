//! Partner hand-off: another platform sends a person with a short-lived JWT signed by its key
//! (RS256 or ES256, the key pasted as PEM or published as a JWKS). Issuer, audience, expiry, a
//! short lifetime and a `jti` are required; the caller makes the `jti` single-use.
//!
//! Times are checked against the `now` the caller passes (the application clock), not the
//! system clock.

use amphi_core::identity::RawIdentity;
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Longest lifetime (`exp - iat`) a partner token may have, in seconds, whatever the
/// configuration says.
pub const MAX_LIFETIME_SECS: i64 = 600;

/// Allowed clock difference with the partner, in seconds.
pub const LEEWAY_SECS: i64 = 30;

/// How a partner is configured.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartnerConfig {
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud` (usually this site's URL).
    pub audience: String,
    /// `RS256` or `ES256`.
    pub algorithm: String,
    /// The partner's public key as PEM, when pasted.
    #[serde(default)]
    pub public_key_pem: Option<String>,
    /// The partner's JWKS URL, when published.
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Longest lifetime accepted (seconds, at most [`MAX_LIFETIME_SECS`]).
    #[serde(default = "default_lifetime")]
    pub max_lifetime_secs: i64,
    /// Claim naming the course run to enrol the person in, if any.
    #[serde(default)]
    pub run_claim: Option<String>,
}

fn default_lifetime() -> i64 {
    300
}

/// Why a partner token was refused; [`PartnerError::reason`] is the stable code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PartnerError {
    /// Not a JWT.
    #[error("token malformed")]
    Malformed,
    /// The header names another algorithm than the configured one.
    #[error("algorithm not allowed")]
    Algorithm,
    /// No key of the partner fits (unknown `kid`, bad PEM).
    #[error("no key: {0}")]
    Key(String),
    /// The signature does not verify.
    #[error("signature invalid")]
    Signature,
    /// Wrong `iss`.
    #[error("issuer wrong")]
    Issuer,
    /// Wrong `aud`.
    #[error("audience wrong")]
    Audience,
    /// `exp` has passed.
    #[error("expired")]
    Expired,
    /// `iat` or `nbf` is in the future.
    #[error("not yet valid")]
    NotYetValid,
    /// `exp - iat` is longer than allowed, or `iat` is missing.
    #[error("lifetime too long")]
    LifetimeTooLong,
    /// No usable `jti` or `sub`.
    #[error("claim missing: {0}")]
    Claim(&'static str),
    /// The JWKS could not be fetched.
    #[error("keys unavailable: {0}")]
    Jwks(String),
}

impl PartnerError {
    /// Stable code for the audit trail and the sign-in error page.
    pub fn reason(&self) -> &'static str {
        match self {
            PartnerError::Malformed => "token_malformed",
            PartnerError::Algorithm => "algorithm_not_allowed",
            PartnerError::Key(_) => "key_unknown",
            PartnerError::Signature => "signature_invalid",
            PartnerError::Issuer => "issuer_wrong",
            PartnerError::Audience => "audience_wrong",
            PartnerError::Expired => "token_expired",
            PartnerError::NotYetValid => "token_not_yet_valid",
            PartnerError::LifetimeTooLong => "token_lifetime_too_long",
            PartnerError::Claim(_) => "claim_missing",
            PartnerError::Jwks(_) => "provider_unreachable",
        }
    }
}

/// The configured algorithm, if it is one we accept.
pub fn algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "ES256" => Some(Algorithm::ES256),
        _ => None,
    }
}

/// Reads a pasted public key for the algorithm.
pub fn key_from_pem(alg: Algorithm, pem: &str) -> Result<DecodingKey, PartnerError> {
    let r = match alg {
        Algorithm::ES256 => DecodingKey::from_ec_pem(pem.trim().as_bytes()),
        _ => DecodingKey::from_rsa_pem(pem.trim().as_bytes()),
    };
    r.map_err(|e| PartnerError::Key(e.to_string()))
}

/// Fetches a partner's JWKS (no redirects, ten seconds, 1 MiB).
pub async fn fetch_jwks(client: &reqwest::Client, url: &str) -> Result<JwkSet, PartnerError> {
    let resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| PartnerError::Jwks(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(PartnerError::Jwks(format!("status {}", resp.status())));
    }
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| PartnerError::Jwks(e.to_string()))?;
    if bytes.len() > 1024 * 1024 {
        return Err(PartnerError::Jwks("answer too large".into()));
    }
    serde_json::from_slice(&bytes).map_err(|e| PartnerError::Jwks(e.to_string()))
}

/// The `kid` of a token's header, if any (to pick a key from a JWKS).
pub fn key_id(token: &str) -> Result<Option<String>, PartnerError> {
    Ok(jsonwebtoken::decode_header(token)
        .map_err(|_| PartnerError::Malformed)?
        .kid)
}

/// Picks the key named by `kid` (or the only key when the token names none).
pub fn key_from_jwks(set: &JwkSet, kid: Option<&str>) -> Result<DecodingKey, PartnerError> {
    let jwk = match kid {
        Some(k) => set.find(k),
        None if set.keys.len() == 1 => set.keys.first(),
        None => None,
    }
    .ok_or_else(|| PartnerError::Key("no key with this kid".into()))?;
    DecodingKey::from_jwk(jwk).map_err(|e| PartnerError::Key(e.to_string()))
}

/// A verified hand-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOff {
    /// The person, claims flattened to strings.
    pub identity: RawIdentity,
    /// The one-time id of the token.
    pub jti: String,
    /// When the token expires (remember the `jti` until then).
    pub expires_at: DateTime<Utc>,
    /// The run named by the configured claim, if any.
    pub run: Option<String>,
}

/// Verifies a partner token with a key: algorithm, signature, issuer, audience, expiry,
/// lifetime, `sub` and `jti`.
pub fn verify(
    cfg: &PartnerConfig,
    key: &DecodingKey,
    token: &str,
    now: DateTime<Utc>,
) -> Result<HandOff, PartnerError> {
    let alg = algorithm(&cfg.algorithm).ok_or(PartnerError::Algorithm)?;
    let header = jsonwebtoken::decode_header(token).map_err(|_| PartnerError::Malformed)?;
    if header.alg != alg {
        return Err(PartnerError::Algorithm);
    }
    let mut v = Validation::new(alg);
    v.set_issuer(&[cfg.issuer.as_str()]);
    v.set_audience(&[cfg.audience.as_str()]);
    // Times are checked below against the application clock.
    v.validate_exp = false;
    v.validate_nbf = false;
    v.required_spec_claims = ["exp", "iss", "aud", "sub"]
        .into_iter()
        .map(String::from)
        .collect::<HashSet<_>>();
    let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(token, key, &v)
        .map_err(|e| {
        use jsonwebtoken::errors::ErrorKind as K;
        match e.kind() {
            K::InvalidSignature => PartnerError::Signature,
            K::InvalidIssuer => PartnerError::Issuer,
            K::InvalidAudience => PartnerError::Audience,
            K::InvalidAlgorithm => PartnerError::Algorithm,
            K::MissingRequiredClaim(_) => PartnerError::Claim("exp, iss, aud or sub"),
            K::InvalidEcdsaKey | K::InvalidRsaKey(_) | K::InvalidKeyFormat => {
                PartnerError::Key(e.to_string())
            }
            _ => PartnerError::Malformed,
        }
    })?;
    let c = data.claims;
    let int = |name: &str| c.get(name).and_then(serde_json::Value::as_i64);
    let now_s = now.timestamp();
    let exp = int("exp").ok_or(PartnerError::Claim("exp"))?;
    if exp <= now_s - LEEWAY_SECS {
        return Err(PartnerError::Expired);
    }
    let iat = int("iat").ok_or(PartnerError::LifetimeTooLong)?;
    if iat > now_s + LEEWAY_SECS || int("nbf").is_some_and(|n| n > now_s + LEEWAY_SECS) {
        return Err(PartnerError::NotYetValid);
    }
    let max = cfg.max_lifetime_secs.clamp(1, MAX_LIFETIME_SECS);
    if exp - iat > max {
        return Err(PartnerError::LifetimeTooLong);
    }
    let jti = c
        .get("jti")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or(PartnerError::Claim("jti"))?
        .to_owned();
    let subject = c
        .get("sub")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 512)
        .ok_or(PartnerError::Claim("sub"))?
        .to_owned();
    let run = cfg
        .run_claim
        .as_deref()
        .filter(|n| !n.is_empty())
        .and_then(|n| c.get(n))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let mut attributes = BTreeMap::new();
    crate::oidc::flatten_into(&mut attributes, &c);
    Ok(HandOff {
        identity: RawIdentity {
            subject,
            attributes,
        },
        jti,
        expires_at: DateTime::from_timestamp(exp, 0).unwrap_or(now),
        run,
    })
}

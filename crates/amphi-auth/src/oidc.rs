//! OpenID Connect relying party: discovery, authorization code flow with PKCE, state and nonce,
//! ID token validation (issuer, audience, expiry, signature by the provider's JWKS, fetched
//! again once when a token names a key we do not know: key rotation) and userinfo claims.
//!
//! Built on the `openidconnect` crate with our own HTTP client (reqwest over rustls, no
//! redirects followed, bounded time and size), so no OpenSSL and one TLS stack.

use amphi_core::identity::RawIdentity;
use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

/// How a relying party is configured for one provider (the secret in clear: the caller seals
/// it at rest).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OidcConfig {
    /// Issuer URL; `/.well-known/openid-configuration` is found under it.
    pub issuer: String,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret at the provider.
    pub client_secret: String,
    /// Scopes asked besides `openid` (for example `email profile`).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether to ask the userinfo endpoint for more claims.
    #[serde(default = "yes")]
    pub userinfo: bool,
}

fn yes() -> bool {
    true
}

/// Why an OIDC sign-in failed; [`OidcError::reason`] is the stable code for audit and pages.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OidcError {
    /// The configuration is not usable (bad URL …).
    #[error("configuration invalid: {0}")]
    Config(String),
    /// The discovery document or the key set could not be fetched or read.
    #[error("discovery failed: {0}")]
    Discovery(String),
    /// The code could not be exchanged for tokens (used, expired, wrong client …).
    #[error("token exchange failed: {0}")]
    TokenExchange(String),
    /// The token response had no ID token.
    #[error("no ID token")]
    NoIdToken,
    /// The ID token has expired.
    #[error("ID token expired: {0}")]
    Expired(String),
    /// The ID token is for another client.
    #[error("ID token audience wrong: {0}")]
    Audience(String),
    /// The ID token comes from another issuer.
    #[error("ID token issuer wrong: {0}")]
    Issuer(String),
    /// The nonce does not match the one of this sign-in.
    #[error("ID token nonce wrong")]
    Nonce,
    /// The signature does not verify with any key of the provider.
    #[error("ID token signature invalid: {0}")]
    Signature(String),
    /// Anything else wrong with the ID token.
    #[error("ID token invalid: {0}")]
    IdToken(String),
    /// The userinfo endpoint failed or answered for another subject.
    #[error("userinfo failed: {0}")]
    UserInfo(String),
}

impl OidcError {
    /// Stable code for the audit trail and the sign-in error page.
    pub fn reason(&self) -> &'static str {
        match self {
            OidcError::Config(_) => "provider_config_invalid",
            OidcError::Discovery(_) => "provider_unreachable",
            OidcError::TokenExchange(_) => "code_rejected",
            OidcError::NoIdToken => "id_token_missing",
            OidcError::Expired(_) => "token_expired",
            OidcError::Audience(_) => "audience_wrong",
            OidcError::Issuer(_) => "issuer_wrong",
            OidcError::Nonce => "nonce_wrong",
            OidcError::Signature(_) => "signature_invalid",
            OidcError::IdToken(_) => "id_token_invalid",
            OidcError::UserInfo(_) => "userinfo_failed",
        }
    }
}

/// The HTTP client for provider calls: no redirects (a provider answers directly), ten
/// seconds at most.
pub fn http_client() -> Result<reqwest::Client, OidcError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| OidcError::Config(e.to_string()))
}

/// Biggest provider answer read (discovery, keys, tokens, userinfo).
const MAX_BODY: usize = 1024 * 1024;

/// An HTTP failure while talking to the provider.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// Our client as the `openidconnect` crate calls it (a named type rather than a closure, so
/// the futures stay `Send`).
struct Http<'a>(&'a reqwest::Client);

impl<'c> openidconnect::AsyncHttpClient<'c> for Http<'_> {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<openidconnect::HttpResponse, HttpError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(send(self.0, request))
    }
}

async fn send(
    client: &reqwest::Client,
    req: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, HttpError> {
    let req = reqwest::Request::try_from(req).map_err(|e| HttpError(e.to_string()))?;
    let mut resp = client
        .execute(req)
        .await
        .map_err(|e| HttpError(e.to_string()))?;
    let mut builder = openidconnect::http::Response::builder().status(resp.status());
    for (k, v) in resp.headers() {
        builder = builder.header(k, v);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| HttpError(e.to_string()))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(HttpError("answer too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    builder.body(body).map_err(|e| HttpError(e.to_string()))
}

/// Fetches the provider's discovery document and key set.
pub async fn discover(
    client: &reqwest::Client,
    issuer: &str,
) -> Result<CoreProviderMetadata, OidcError> {
    let issuer = IssuerUrl::new(issuer.trim_end_matches('/').to_owned())
        .map_err(|e| OidcError::Config(format!("issuer: {e}")))?;
    let http = Http(client);
    CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .map_err(|e| OidcError::Discovery(error_chain(&e)))
}

/// Fetches the provider's key set again (a token named a key we did not have).
pub async fn refresh_keys(
    client: &reqwest::Client,
    meta: CoreProviderMetadata,
) -> Result<CoreProviderMetadata, OidcError> {
    let http = Http(client);
    let keys = CoreJsonWebKeySet::fetch_async(meta.jwks_uri(), &http)
        .await
        .map_err(|e| OidcError::Discovery(error_chain(&e)))?;
    Ok(meta.set_jwks(keys))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// What the browser is sent with, and what we keep to finish the sign-in.
#[derive(Debug, Clone)]
pub struct Start {
    /// The provider's authorization URL to redirect to.
    pub url: String,
    /// The `state` value (kept hashed, compared on return).
    pub state: String,
    /// The `nonce` expected in the ID token.
    pub nonce: String,
    /// The PKCE verifier sent with the code.
    pub pkce_verifier: String,
}

fn redirect(uri: &str) -> Result<RedirectUrl, OidcError> {
    RedirectUrl::new(uri.to_owned()).map_err(|e| OidcError::Config(format!("redirect: {e}")))
}

/// Builds the authorization request: code flow, PKCE (S256), fresh state and nonce.
pub fn start(
    meta: &CoreProviderMetadata,
    cfg: &OidcConfig,
    redirect_uri: &str,
) -> Result<Start, OidcError> {
    let client = CoreClient::from_provider_metadata(
        meta.clone(),
        ClientId::new(cfg.client_id.clone()),
        Some(ClientSecret::new(cfg.client_secret.clone())),
    )
    .set_redirect_uri(redirect(redirect_uri)?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for s in cfg
        .scopes
        .iter()
        .filter(|s| !s.is_empty() && *s != "openid")
    {
        req = req.add_scope(Scope::new(s.clone()));
    }
    let (url, state, nonce) = req.set_pkce_challenge(challenge).url();
    Ok(Start {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// Checks an ID token (signature, issuer, audience, expiry, nonce) against the provider's
/// metadata and keys at `now`; returns its claims.
pub fn verify_id_token(
    meta: &CoreProviderMetadata,
    client_id: &str,
    client_secret: &str,
    id_token: &str,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<serde_json::Map<String, serde_json::Value>, OidcError> {
    let client = CoreClient::from_provider_metadata(
        meta.clone(),
        ClientId::new(client_id.to_owned()),
        Some(ClientSecret::new(client_secret.to_owned())),
    );
    let token =
        CoreIdToken::from_str(id_token).map_err(|e| OidcError::IdToken(format!("format: {e}")))?;
    let verifier = client.id_token_verifier().set_time_fn(move || now);
    token
        .claims(&verifier, &Nonce::new(nonce.to_owned()))
        .map_err(|e| match e {
            ClaimsVerificationError::Expired(m) => OidcError::Expired(m),
            ClaimsVerificationError::InvalidAudience(m) => OidcError::Audience(m),
            ClaimsVerificationError::InvalidIssuer(m) => OidcError::Issuer(m),
            ClaimsVerificationError::InvalidNonce(_) => OidcError::Nonce,
            ClaimsVerificationError::SignatureVerification(s) => {
                OidcError::Signature(s.to_string())
            }
            other => OidcError::IdToken(other.to_string()),
        })?;
    // The token is verified: read every claim (groups and other custom claims included).
    payload_of(id_token)
}

fn payload_of(jwt: &str) -> Result<serde_json::Map<String, serde_json::Value>, OidcError> {
    use base64::Engine;
    let part = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| OidcError::IdToken("format".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| OidcError::IdToken("payload encoding".into()))?;
    serde_json::from_slice(&bytes).map_err(|_| OidcError::IdToken("payload JSON".into()))
}

fn unknown_key(e: &OidcError) -> bool {
    matches!(e, OidcError::Signature(m) if m == &SignatureVerificationError::NoMatchingKey.to_string())
}

/// The outcome of a finished sign-in.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The person, claims flattened to strings (ID token first, userinfo filling in).
    pub identity: RawIdentity,
    /// Metadata with a fresh key set, when the keys had to be fetched again.
    pub refreshed: Option<CoreProviderMetadata>,
}

/// Finishes the code flow: exchanges the code (with the PKCE verifier), verifies the ID token
/// (fetching the keys again once on an unknown key), then merges userinfo claims.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    client: &reqwest::Client,
    meta: &CoreProviderMetadata,
    cfg: &OidcConfig,
    redirect_uri: &str,
    code: &str,
    nonce: &str,
    pkce_verifier: &str,
    now: DateTime<Utc>,
) -> Result<Finished, OidcError> {
    let oidc = CoreClient::from_provider_metadata(
        meta.clone(),
        ClientId::new(cfg.client_id.clone()),
        Some(ClientSecret::new(cfg.client_secret.clone())),
    )
    .set_redirect_uri(redirect(redirect_uri)?);
    let http = Http(client);
    let tokens = oidc
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| OidcError::Config(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
        .request_async(&http)
        .await
        .map_err(|e| OidcError::TokenExchange(error_chain(&e)))?;
    let id_token = tokens.id_token().ok_or(OidcError::NoIdToken)?.to_string();
    let mut refreshed = None;
    let claims = match verify_id_token(
        meta,
        &cfg.client_id,
        &cfg.client_secret,
        &id_token,
        nonce,
        now,
    ) {
        Err(e) if unknown_key(&e) => {
            let fresh = refresh_keys(client, meta.clone()).await?;
            let c = verify_id_token(
                &fresh,
                &cfg.client_id,
                &cfg.client_secret,
                &id_token,
                nonce,
                now,
            )?;
            refreshed = Some(fresh);
            c
        }
        other => other?,
    };
    let subject = claims
        .get("sub")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| OidcError::IdToken("no subject".into()))?
        .to_owned();
    let mut attributes = BTreeMap::new();
    flatten_into(&mut attributes, &claims);
    if cfg.userinfo {
        if let Some(url) = meta.userinfo_endpoint() {
            let info = userinfo(client, url.url().as_str(), tokens.access_token().secret()).await?;
            if info.get("sub").and_then(|v| v.as_str()) != Some(subject.as_str()) {
                return Err(OidcError::UserInfo("answer for another subject".into()));
            }
            let mut more = BTreeMap::new();
            flatten_into(&mut more, &info);
            for (k, v) in more {
                attributes.entry(k).or_insert(v);
            }
        }
    }
    Ok(Finished {
        identity: RawIdentity {
            subject,
            attributes,
        },
        refreshed,
    })
}

async fn userinfo(
    client: &reqwest::Client,
    url: &str,
    access_token: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, OidcError> {
    let resp = client
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| OidcError::UserInfo(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(OidcError::UserInfo(format!("status {}", resp.status())));
    }
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| OidcError::UserInfo(e.to_string()))?;
    if bytes.len() > MAX_BODY {
        return Err(OidcError::UserInfo("answer too large".into()));
    }
    serde_json::from_slice(&bytes).map_err(|_| OidcError::UserInfo("not JSON".into()))
}

/// Claims as named string lists: strings as they are, booleans and numbers written out,
/// arrays one value per element, objects as JSON.
pub fn flatten_into(
    out: &mut BTreeMap<String, Vec<String>>,
    claims: &serde_json::Map<String, serde_json::Value>,
) {
    fn one(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            other => Some(other.to_string()),
        }
    }
    for (k, v) in claims {
        let vals: Vec<String> = match v {
            serde_json::Value::Array(a) => a.iter().filter_map(one).collect(),
            other => one(other).into_iter().collect(),
        };
        if !vals.is_empty() {
            out.insert(k.clone(), vals);
        }
    }
}

#[cfg(test)]
#[allow(dead_code)]
fn assert_send_probe(c: &reqwest::Client, s: &str, m: &CoreProviderMetadata, cfg: &OidcConfig) {
    // Handlers' futures must be Send: these are awaited inside them.
    fn is_send<T: Send>(_: T) {}
    is_send(discover(c, s));
    is_send(refresh_keys(c, m.clone()));
    is_send(finish(c, m, cfg, s, s, s, s, Utc::now()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use openidconnect::core::{
        CoreJwsSigningAlgorithm, CoreResponseType, CoreSubjectIdentifierType,
    };
    use openidconnect::{
        AuthUrl, EmptyAdditionalProviderMetadata, JsonWebKeySetUrl, ResponseTypes, TokenUrl,
    };
    use std::process::Command;

    const ISS: &str = "https://issuer.example";

    /// An RSA key made with openssl: (private PEM, JWK modulus base64url).
    fn rsa_key() -> (String, String) {
        use base64::Engine;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("k.pem");
        assert!(Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out"
            ])
            .arg(&key)
            .status()
            .expect("openssl is installed")
            .success());
        let out = Command::new("openssl")
            .args(["rsa", "-noout", "-modulus", "-in"])
            .arg(&key)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let hex_n = text.trim().trim_start_matches("Modulus=");
        let n = hex::decode(hex_n).unwrap();
        (
            std::fs::read_to_string(&key).unwrap(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n),
        )
    }

    fn metadata(n: &str, kid: &str) -> CoreProviderMetadata {
        let jwks: CoreJsonWebKeySet = serde_json::from_value(serde_json::json!({
            "keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": "AQAB"}]
        }))
        .unwrap();
        CoreProviderMetadata::new(
            IssuerUrl::new(ISS.into()).unwrap(),
            AuthUrl::new(format!("{ISS}/auth")).unwrap(),
            JsonWebKeySetUrl::new(format!("{ISS}/jwks")).unwrap(),
            vec![ResponseTypes::new(vec![CoreResponseType::Code])],
            vec![CoreSubjectIdentifierType::Public],
            vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
            EmptyAdditionalProviderMetadata {},
        )
        .set_token_endpoint(Some(TokenUrl::new(format!("{ISS}/token")).unwrap()))
        .set_jwks(jwks)
    }

    fn token(pem: &str, kid: &str, claims: serde_json::Value) -> String {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some(kid.into());
        jsonwebtoken::encode(
            &h,
            &claims,
            &EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    fn claims(now: DateTime<Utc>) -> serde_json::Value {
        serde_json::json!({
            "iss": ISS, "aud": "amphi", "sub": "user-1", "nonce": "n-1",
            "iat": now.timestamp(), "exp": now.timestamp() + 300,
            "email": "u@example.test", "email_verified": true, "groups": ["a", "b"],
        })
    }

    #[test]
    fn id_tokens_are_checked_for_signature_issuer_audience_expiry_and_nonce() {
        let now = Utc::now();
        let (pem, n) = rsa_key();
        let meta = metadata(&n, "k1");
        let check = |t: &str, nonce: &str| verify_id_token(&meta, "amphi", "s", t, nonce, now);

        let ok = check(&token(&pem, "k1", claims(now)), "n-1").unwrap();
        let mut attrs = BTreeMap::new();
        flatten_into(&mut attrs, &ok);
        assert_eq!(attrs["groups"], vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(attrs["email_verified"], vec!["true".to_owned()]);

        let mut c = claims(now);
        c["exp"] = serde_json::json!(now.timestamp() - 60);
        assert!(matches!(
            check(&token(&pem, "k1", c), "n-1"),
            Err(OidcError::Expired(_))
        ));

        let mut c = claims(now);
        c["aud"] = serde_json::json!("other");
        let e = check(&token(&pem, "k1", c), "n-1").unwrap_err();
        assert!(matches!(e, OidcError::Audience(_)), "{e:?}");
        assert_eq!(e.reason(), "audience_wrong");

        let mut c = claims(now);
        c["iss"] = serde_json::json!("https://impostor.example");
        assert!(matches!(
            check(&token(&pem, "k1", c), "n-1"),
            Err(OidcError::Issuer(_))
        ));

        assert_eq!(
            check(&token(&pem, "k1", claims(now)), "another-nonce"),
            Err(OidcError::Nonce)
        );

        // Forged: signed by another key under the known key id.
        let (other_pem, _) = rsa_key();
        let e = check(&token(&other_pem, "k1", claims(now)), "n-1").unwrap_err();
        assert!(matches!(e, OidcError::Signature(_)), "{e:?}");
        assert!(!unknown_key(&e));

        // A key id we do not know: the caller fetches the keys again (rotation).
        let e = check(&token(&pem, "k2", claims(now)), "n-1").unwrap_err();
        assert!(unknown_key(&e), "{e:?}");
        let rotated = metadata(&n, "k2");
        assert!(verify_id_token(
            &rotated,
            "amphi",
            "s",
            &token(&pem, "k2", claims(now)),
            "n-1",
            now
        )
        .is_ok());

        assert!(matches!(
            check("not-a-token", "n-1"),
            Err(OidcError::IdToken(_))
        ));
    }

    #[test]
    fn start_asks_for_code_with_pkce_state_and_nonce() {
        let (_, n) = rsa_key();
        let cfg = OidcConfig {
            issuer: ISS.into(),
            client_id: "amphi".into(),
            client_secret: "s".into(),
            scopes: vec!["email".into(), "openid".into()],
            userinfo: true,
        };
        let s = start(
            &metadata(&n, "k1"),
            &cfg,
            "https://learn.example/sso/oidc/x/callback",
        )
        .unwrap();
        let u = url::Url::parse(&s.url).unwrap();
        let q: BTreeMap<_, _> = u.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], s.state);
        assert_eq!(q["nonce"], s.nonce);
        assert_eq!(q["scope"], "openid email");
        assert!(s.pkce_verifier.len() >= 43);
    }
}

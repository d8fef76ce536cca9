//! Time-based one-time passwords (RFC 6238, the authenticator apps' codes), with replay
//! protection, the otpauth:// enrolment URL and its QR code, and sealing of the shared secret
//! at rest (AES-256-GCM).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

/// Seconds per code.
pub const STEP: u64 = 30;

fn totp(secret: &[u8], issuer: Option<String>, account: String) -> Option<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        secret.to_vec(),
        issuer,
        account,
    )
    .ok()
}

/// A fresh 160-bit shared secret.
pub fn new_secret() -> Vec<u8> {
    let mut s = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

/// The secret as people type it into an app (base32, no padding).
pub fn base32(secret: &[u8]) -> String {
    totp_rs::Secret::Raw(secret.to_vec())
        .to_encoded()
        .to_string()
}

/// Reads a base32 secret back (what an authenticator app does with the typed key).
pub fn decode_base32(s: &str) -> Option<Vec<u8>> {
    totp_rs::Secret::Encoded(s.trim().to_owned())
        .to_bytes()
        .ok()
}

/// The otpauth:// URL an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &[u8], issuer: &str, account: &str) -> Option<String> {
    // otpauth labels cannot contain ':'.
    let issuer = issuer.replace(':', " ");
    totp(secret, Some(issuer), account.replace(':', " ")).map(|t| t.get_url())
}

/// The code valid at `unix` (for tests and tools).
pub fn code_at(secret: &[u8], unix: u64) -> String {
    totp(secret, None, String::new())
        .map(|t| t.generate(unix))
        .unwrap_or_default()
}

/// Checks a code against the current step and one step either side (clock drift). Returns the
/// step it matched, but only if it is later than `last_step`: a code is never accepted twice.
pub fn verify(secret: &[u8], code: &str, unix: u64, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, None, String::new())?;
    let now_step = (unix / STEP) as i64;
    let mut found = None;
    for step in [now_step - 1, now_step, now_step + 1] {
        if step < 0 {
            continue;
        }
        let expected = t.generate(step as u64 * STEP);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step);
        }
    }
    found.filter(|s| last_step.is_none_or(|l| *s > l))
}

/// The QR code of `data` as an SVG image.
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

fn key(platform_secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"amphi-mfa-seal");
    h.update(platform_secret);
    h.finalize().into()
}

/// Encrypts a secret for storage.
pub fn seal(platform_secret: &[u8], plaintext: &[u8]) -> Option<String> {
    let cipher = Aes256Gcm::new_from_slice(&key(platform_secret)).ok()?;
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher.encrypt(Nonce::from_slice(&nonce), plaintext).ok()?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    Some(STANDARD_NO_PAD.encode(out))
}

/// Decrypts a stored secret; None if it was tampered with or the key changed.
pub fn open(platform_secret: &[u8], sealed: &str) -> Option<Vec<u8>> {
    let raw = STANDARD_NO_PAD.decode(sealed).ok()?;
    if raw.len() < 13 {
        return None;
    }
    let (nonce, ct) = raw.split_at(12);
    let cipher = Aes256Gcm::new_from_slice(&key(platform_secret)).ok()?;
    cipher.decrypt(Nonce::from_slice(nonce), ct).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_verify_once_and_within_drift() {
        let s = new_secret();
        let t = 1_800_000_000u64;
        let c = code_at(&s, t);
        let step = verify(&s, &c, t, None).unwrap();
        assert_eq!(verify(&s, &c, t, Some(step)), None, "replay refused");
        assert!(verify(&s, &c, t + 30, None).is_some(), "one step of drift");
        assert!(verify(&s, &c, t + 120, None).is_none());
        assert!(verify(&s, "12345", t, None).is_none());
        assert!(verify(&s, "abcdef", t, None).is_none());
        let spaced = format!("{} {}", &c[..3], &c[3..]);
        assert!(verify(&s, &spaced, t, None).is_some());
    }

    #[test]
    fn sealing_round_trips_and_detects_tampering() {
        let k = b"platform secret";
        let sealed = seal(k, b"hello").unwrap();
        assert_eq!(open(k, &sealed).unwrap(), b"hello");
        assert!(open(b"other key", &sealed).is_none());
        let mut bad = sealed.clone();
        bad.replace_range(20..21, if &sealed[20..21] == "A" { "B" } else { "A" });
        assert!(open(k, &bad).is_none());
    }

    #[test]
    fn enrolment_url_and_qr() {
        let s = new_secret();
        let url = otpauth_url(&s, "Acme: Academy", "ada@example.test").unwrap();
        assert!(url.starts_with("otpauth://totp/"));
        assert!(url.contains(&base32(&s)));
        assert!(qr_svg(&url).unwrap().contains("<svg"));
    }
}

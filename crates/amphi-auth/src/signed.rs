//! HMAC-SHA256 over short values with the platform secret: CSRF tokens bound to a session or
//! to an anonymous browser cookie.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Signs `purpose` and `value` with `key`; the result is URL-safe text.
pub fn sign(key: &[u8], purpose: &str, value: &str) -> String {
    // HMAC accepts keys of any length, so new_from_slice cannot fail here.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Constant-time check that `signature` is `sign(key, purpose, value)`.
pub fn verify(key: &[u8], purpose: &str, value: &str, signature: &str) -> bool {
    let expected = sign(key, purpose, value);
    !expected.is_empty() && expected.as_bytes().ct_eq(signature.as_bytes()).into()
}

/// Checks a webhook signature: lower-case hex HMAC-SHA256 of `message` with `key`, compared in
/// constant time. Accepts an optional `sha256=` prefix, as many shops send.
pub fn verify_hex(key: &[u8], message: &[u8], signature: &str) -> bool {
    let sig = signature.trim();
    let sig = sig.strip_prefix("sha256=").unwrap_or(sig);
    let Ok(given) = hex::decode(sig) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return false;
    };
    mac.update(message);
    mac.verify_slice(&given).is_ok()
}

/// Lower-case hex HMAC-SHA256 of `message` (what a shop sends; used by tests and tools).
pub fn sign_hex(key: &[u8], message: &[u8]) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify() {
        let k = b"0123456789abcdef0123456789abcdef";
        let s = sign(k, "csrf", "session-1");
        assert!(verify(k, "csrf", "session-1", &s));
        assert!(!verify(k, "csrf", "session-2", &s));
        assert!(!verify(k, "other", "session-1", &s));
        assert!(!verify(b"another key", "csrf", "session-1", &s));
        assert!(!verify(k, "csrf", "session-1", ""));
    }

    #[test]
    fn webhook_signatures() {
        let k = b"shop secret";
        let sig = sign_hex(k, b"1700000000.{\"order_id\":\"1\"}");
        assert!(verify_hex(k, b"1700000000.{\"order_id\":\"1\"}", &sig));
        assert!(verify_hex(
            k,
            b"1700000000.{\"order_id\":\"1\"}",
            &format!("sha256={sig}")
        ));
        assert!(!verify_hex(k, b"1700000001.{\"order_id\":\"1\"}", &sig));
        assert!(!verify_hex(
            b"other",
            b"1700000000.{\"order_id\":\"1\"}",
            &sig
        ));
        assert!(!verify_hex(k, b"x", "not hex"));
    }
}

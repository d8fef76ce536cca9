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
}

//! Random bearer secrets (session ids, email links, API tokens). Only their SHA-256 is stored,
//! so a database leak gives no usable token.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A freshly generated secret and the hash to store.
#[derive(Clone)]
pub struct NewToken {
    /// The secret, shown or sent once.
    pub plaintext: String,
    /// Hex SHA-256 of the secret, stored.
    pub hash: String,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

/// 256 random bits, URL-safe, with an optional readable prefix (`amphi_pat_` for API tokens).
pub fn generate(prefix: &str) -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let plaintext = format!("{prefix}{}", hex::encode(bytes));
    let hash = hash(&plaintext);
    NewToken { plaintext, hash }
}

/// Hex SHA-256 of a presented token.
pub fn hash(plaintext: &str) -> String {
    hex::encode(Sha256::digest(plaintext.as_bytes()))
}

/// A random hex string of `n` bytes, for non-secret ids that must not collide.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hashed() {
        let a = generate("amphi_pat_");
        let b = generate("amphi_pat_");
        assert_ne!(a.plaintext, b.plaintext);
        assert!(a.plaintext.starts_with("amphi_pat_"));
        assert_eq!(hash(&a.plaintext), a.hash);
        assert!(!format!("{a:?}").contains(&a.plaintext));
    }
}

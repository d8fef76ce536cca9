//! Argon2id password hashing (OWASP parameters: m=19 MiB, t=2, p=1).
//!
//! Each hash fills 19 MiB of Argon2 blocks. Those buffers are kept in a small pool and reused
//! (at most one per core: the callers run hashes one per core at a time) rather than allocated
//! and freed for every sign-in: a freed 19 MiB buffer was kept by the allocator in whichever
//! thread arena had hashed last, so the process held several of them after a burst of sign-ins,
//! and each fresh one cost its page faults.

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Mutex, OnceLock};

/// Hashing failed (never expected with valid parameters).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Argon2id's default parameters (Params::DEFAULT is m=19456 KiB, t=2, p=1: the OWASP
/// recommendation for Argon2id).
fn params() -> Params {
    Params::DEFAULT
}

/// Runs `f` with a buffer of `blocks` Argon2 blocks: one from the pool when the size is the
/// default one, else one of its own.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    static POOL: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());
    static KEEP: OnceLock<usize> = OnceLock::new();
    if blocks != params().block_count() {
        return f(&mut vec![Block::default(); blocks]);
    }
    let taken = POOL.lock().map(|mut p| p.pop()).unwrap_or(None);
    let mut mem = taken.unwrap_or_else(|| vec![Block::default(); blocks]);
    let out = f(&mut mem);
    let keep = *KEEP.get_or_init(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    if let Ok(mut p) = POOL.lock() {
        if p.len() < keep {
            p.push(mem);
        }
    }
    out
}

/// The Argon2 output of `password` with these settings, `len` bytes long.
fn compute(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    len: usize,
) -> Result<Output, HashError> {
    with_memory(argon.params().block_count(), |mem| {
        Output::init_with(len, |out| {
            argon
                .hash_password_into_with_memory(password, salt, out, &mut *mem)
                .map_err(|_| argon2::password_hash::Error::Crypto)
        })
    })
    .map_err(|e| HashError(e.to_string()))
}

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut raw = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut raw)
        .map_err(|e| HashError(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
    let output = compute(
        &argon,
        password.as_bytes(),
        salt_bytes,
        Params::DEFAULT_OUTPUT_LEN,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params())
            .try_into()
            .map_err(|e: argon2::password_hash::Error| HashError(e.to_string()))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Checks a password against a PHC string (any Argon2 variant, version and parameters it
/// names); false on mismatch or on a malformed hash. The outputs are compared in constant time.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut raw = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut raw) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    // `Output`'s equality is constant-time.
    compute(&argon, password.as_bytes(), salt, expected.len()).is_ok_and(|out| out == expected)
}

/// Spends the same time as a real check, for unknown accounts, so that response times do not
/// reveal which emails have an account.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("amphi-dummy-password").unwrap_or_default());
    let _ = verify(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn round_trip() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("x", "not a hash"));
        assert!(!verify("x", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ"));
    }

    /// Hashes made here check with the argon2 crate's own verifier, and the other way round,
    /// including hashes with other parameters or variants (accounts imported from elsewhere).
    #[test]
    fn agrees_with_the_reference_implementation() {
        let mine = hash("pässword").unwrap();
        let parsed = PasswordHash::new(&mine).unwrap();
        assert!(Argon2::default()
            .verify_password("pässword".as_bytes(), &parsed)
            .is_ok());
        for (alg, m) in [
            (Algorithm::Argon2id, 19456),
            (Algorithm::Argon2id, 8192),
            (Algorithm::Argon2i, 4096),
            (Algorithm::Argon2d, 4096),
        ] {
            let other = Argon2::new(alg, Version::V0x13, Params::new(m, 2, 1, None).unwrap())
                .hash_password(b"s3cret", &SaltString::generate(&mut OsRng))
                .unwrap()
                .to_string();
            assert!(verify("s3cret", &other), "{other}");
            assert!(!verify("s3cret!", &other), "{other}");
        }
        // Many checks in a row reuse pooled buffers and stay right.
        for _ in 0..3 {
            assert!(verify("pässword", &mine));
            assert!(!verify("password", &mine));
        }
    }
}

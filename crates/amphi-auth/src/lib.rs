//! Identity building blocks with no database and no HTTP: password hashing, random tokens and
//! their hashes, and HMAC-signed values. Easy to test and to fuzz.

pub mod password;
pub mod signed;
pub mod token;
pub mod totp;

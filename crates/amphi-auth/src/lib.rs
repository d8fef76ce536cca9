//! Identity building blocks with no database and no HTTP: password hashing, random tokens and
//! their hashes, HMAC-signed values, and the LDAP sign-in client (search-then-bind). Easy to test and to fuzz.

pub mod ldap;
pub mod password;
pub mod signed;
pub mod token;
pub mod totp;

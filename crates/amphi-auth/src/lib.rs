//! Identity building blocks with no database and no HTTP framework: password hashing, random
//! tokens and their hashes, HMAC-signed values, TOTP, and the single sign-on protocols (LDAP
//! search-then-bind, OIDC relying party, partner JWT hand-off), which take configuration and
//! bytes and return verified identities or errors. Easy to test and to fuzz.

pub mod ldap;
pub mod oidc;
pub mod partner;
pub mod password;
pub mod signed;
pub mod token;
pub mod totp;

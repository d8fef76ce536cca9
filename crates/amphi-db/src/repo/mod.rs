//! Repositories: the only code that builds queries. Every function on tenant-owned rows takes
//! the tenant scope as an argument, so a query that forgets it does not compile.

pub mod api_tokens;
pub mod audit;
pub mod certificates;
pub mod courses;
pub mod email_tokens;
pub mod enrolments;
pub mod grades;
pub mod identity;
pub mod peer;
pub mod progress;
pub mod questions;
pub mod quiz;
pub mod rate_limits;
pub mod sessions;
pub mod settings;
pub mod structure;
pub mod submissions;
pub mod tenants;
pub mod users;

/// A page of rows in keyset order and the key to ask for the next page.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; None on the last page.
    pub next: Option<uuid::Uuid>,
}

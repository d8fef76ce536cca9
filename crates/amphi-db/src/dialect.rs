//! The few places where SQLite and PostgreSQL need different SQL. Everything else goes through
//! sea-query, which renders each backend's syntax from one description.

use sea_orm::DbBackend;

/// Row lock for claiming queue rows: PostgreSQL skips rows other workers hold; SQLite has a
/// single writer connection, so the claiming UPDATE is already exclusive.
pub fn skip_locked(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "FOR UPDATE SKIP LOCKED",
        _ => "",
    }
}

/// Escapes `%`, `_` and `\` in user text for a LIKE pattern with `ESCAPE '\'`.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

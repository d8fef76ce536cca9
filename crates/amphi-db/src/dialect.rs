//! The few places where SQLite and PostgreSQL need different SQL. Everything else goes through
//! sea-query, which renders each backend's syntax from one description.

use sea_orm::sea_query::{Expr, SimpleExpr};
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

/// The catalog's word search: PostgreSQL full-text over title and summary, SQLite FTS5. Each
/// word must appear (prefix match on SQLite); None when no searchable word is left.
pub fn course_search(backend: DbBackend, words: &str) -> Option<SimpleExpr> {
    let terms: Vec<String> = words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| w.to_lowercase())
        .collect();
    if terms.is_empty() {
        return None;
    }
    Some(match backend {
        DbBackend::Postgres => {
            let q = terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            Expr::cust_with_values(
                "to_tsvector('simple', courses.title || ' ' || courses.summary) @@ to_tsquery('simple', $1)",
                [q],
            )
        }
        _ => {
            // Each term quoted (no FTS5 syntax from users) with a prefix star.
            let q = terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" AND ");
            Expr::cust_with_values(
                "courses.id IN (SELECT course_id FROM courses_fts WHERE courses_fts MATCH ?)",
                [q],
            )
        }
    })
}

/// Builds a custom SQL fragment for sea-query with the backend's placeholders: sea-query
/// renumbers `$n` on PostgreSQL and fills `?` in order on SQLite, so each use of a value binds
/// it again.
#[derive(Debug)]
pub struct Fragment {
    backend: DbBackend,
    /// The SQL text.
    pub sql: String,
    values: Vec<sea_orm::Value>,
}

impl Fragment {
    /// An empty fragment.
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            sql: String::new(),
            values: Vec::new(),
        }
    }

    /// Binds a value and returns its placeholder.
    pub fn bind(&mut self, v: impl Into<sea_orm::Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }

    /// The fragment as an expression.
    pub fn into_expr(self) -> SimpleExpr {
        Expr::cust_with_values(self.sql, self.values)
    }
}

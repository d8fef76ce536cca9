//! Stored names read back as their amphi-core enums.

use amphi_core::str_enum::StoredName;
use amphi_core::{Error, Result};

/// Reads a stored name as its enum. Kinds and statuses are columns of text (no migration ties
/// them to the enum), so a row may carry a name this build does not know: one written by a newer
/// version, or edited by hand. That is an internal error naming the column and the value (the
/// request fails, the log says which row to look at), never a panic and never a guess.
pub(crate) fn stored<T: StoredName>(column: &str, raw: &str) -> Result<T> {
    T::from_stored(raw).ok_or_else(|| Error::internal(format!("unknown {column} {raw:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use amphi_core::course::ItemKind;

    #[test]
    fn an_unknown_stored_name_is_an_internal_error_naming_the_column() {
        assert_eq!(
            stored::<ItemKind>("course_items.kind", "quiz").unwrap(),
            ItemKind::Quiz
        );
        let e = stored::<ItemKind>("course_items.kind", "lti").unwrap_err();
        assert!(
            matches!(&e, Error::Internal(m) if m.contains("course_items.kind") && m.contains("lti"))
        );
        // Stored names are exact: what a form may pad is not a stored name.
        assert!(stored::<ItemKind>("course_items.kind", " quiz").is_err());
    }
}

//! Who may do what in a tenant's xAPI Learning Record Store: the scopes of xAPI's
//! authorization (Communication 4.2) given to an LRS client, and the decisions each resource
//! asks of them. A learner token is the same decisions with its learner bound (it reads and
//! writes only that learner's statements and documents).

use crate::str_enum::str_enum;

str_enum!(
    /// A scope an LRS client holds.
    XapiScope {
        /// Write statements.
        StatementsWrite = "statements/write",
        /// Read every statement of the tenant.
        StatementsRead = "statements/read",
        /// Read the statements this credential stored (its own).
        StatementsReadMine = "statements/read/mine",
        /// Read and write State documents.
        State = "state",
        /// Read activity definitions (the Activities resource).
        Define = "define",
        /// Read and write Activity and Agent Profile documents, and the Agents resource.
        Profile = "profile",
        /// Read everything.
        AllRead = "all/read",
        /// Everything.
        All = "all",
    }
);

/// What a request to the LRS needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XapiNeed {
    /// Store statements.
    WriteStatements,
    /// Read statements (all, or only the credential's own: see [`read_statements`]).
    ReadStatements,
    /// Read a document resource (State, Activity/Agent Profile), Activities or Agents.
    ReadDocuments(XapiDocs),
    /// Write a document resource.
    WriteDocuments(XapiDocs),
}

/// The document resources and the scope each needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XapiDocs {
    /// State.
    State,
    /// Activity Profile, Agent Profile, Agents.
    Profile,
    /// Activities.
    Define,
}

/// Whether these scopes allow the need (for statements read, see also [`read_statements`]).
pub fn allows(scopes: &[XapiScope], need: XapiNeed) -> bool {
    use XapiScope as S;
    let has = |s: S| scopes.contains(&s) || scopes.contains(&S::All);
    match need {
        XapiNeed::WriteStatements => has(S::StatementsWrite),
        XapiNeed::ReadStatements => read_statements(scopes).is_some(),
        XapiNeed::ReadDocuments(d) => has(S::AllRead) || has(doc_scope(d)),
        XapiNeed::WriteDocuments(d) => has(doc_scope(d)),
    }
}

fn doc_scope(d: XapiDocs) -> XapiScope {
    match d {
        XapiDocs::State => XapiScope::State,
        XapiDocs::Profile => XapiScope::Profile,
        XapiDocs::Define => XapiScope::Define,
    }
}

/// Which statements these scopes may read: `Some(false)` all of the tenant's, `Some(true)`
/// only the credential's own, None none.
pub fn read_statements(scopes: &[XapiScope]) -> Option<bool> {
    use XapiScope as S;
    if [S::All, S::AllRead, S::StatementsRead]
        .iter()
        .any(|s| scopes.contains(s))
    {
        Some(false)
    } else if scopes.contains(&S::StatementsReadMine) {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use XapiScope as S;

    #[test]
    fn matrix() {
        let docs = [XapiDocs::State, XapiDocs::Profile, XapiDocs::Define];
        assert!(allows(&[S::All], XapiNeed::WriteStatements));
        assert!(allows(&[S::StatementsWrite], XapiNeed::WriteStatements));
        assert!(!allows(&[S::AllRead], XapiNeed::WriteStatements));
        assert!(!allows(&[S::StatementsRead], XapiNeed::WriteStatements));
        for d in docs {
            assert!(allows(&[S::All], XapiNeed::WriteDocuments(d)));
            assert!(allows(&[S::AllRead], XapiNeed::ReadDocuments(d)));
            assert!(!allows(&[S::AllRead], XapiNeed::WriteDocuments(d)));
            assert!(!allows(&[S::StatementsWrite], XapiNeed::ReadDocuments(d)));
        }
        assert!(allows(
            &[S::State],
            XapiNeed::WriteDocuments(XapiDocs::State)
        ));
        assert!(!allows(
            &[S::State],
            XapiNeed::WriteDocuments(XapiDocs::Profile)
        ));
        assert!(allows(
            &[S::Define],
            XapiNeed::ReadDocuments(XapiDocs::Define)
        ));
        assert_eq!(read_statements(&[S::StatementsReadMine]), Some(true));
        assert_eq!(
            read_statements(&[S::StatementsReadMine, S::AllRead]),
            Some(false)
        );
        assert_eq!(read_statements(&[S::StatementsWrite]), None);
    }
}

//! The document resources: State (an activity, an agent, an optional registration, a
//! `stateId`), Activity Profile (an activity, a `profileId`) and Agent Profile (an agent, a
//! `profileId`). Each document keeps its content, Content-Type, ETag (SHA-1 of the content)
//! and time of change. POST merges two JSON objects (top-level properties); PUT replaces.
//! `If-Match` / `If-None-Match` are honoured on every write (412 when they do not hold); a
//! PUT of an existing profile document with neither is a 409, as the spec requires.

use super::auth::Authority;
use super::{LrsError, LrsResult};
use crate::App;
use amphi_core::xapi::{XapiDocs, XapiNeed};
use amphi_core::TenantId;
use amphi_db::repo::xapi::{self as repo, DocContent, DocExpect, DocScope};
use amphi_xapi::{agent, time, validate};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Which document resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// `/xapi/activities/state`.
    State,
    /// `/xapi/activities/profile`.
    ActivityProfile,
    /// `/xapi/agents/profile`.
    AgentProfile,
}

impl DocKind {
    fn stored(self) -> &'static str {
        match self {
            DocKind::State => "state",
            DocKind::ActivityProfile => "activity_profile",
            DocKind::AgentProfile => "agent_profile",
        }
    }
    fn id_param(self) -> &'static str {
        match self {
            DocKind::State => "stateId",
            _ => "profileId",
        }
    }
    fn docs(self) -> XapiDocs {
        match self {
            DocKind::State => XapiDocs::State,
            _ => XapiDocs::Profile,
        }
    }
}

/// A write's preconditions, from the request's headers.
#[derive(Debug, Clone, Default)]
pub struct Preconditions {
    /// `If-Match`.
    pub if_match: Option<String>,
    /// `If-None-Match`.
    pub if_none_match: Option<String>,
}

/// A document's content as sent or stored.
#[derive(Debug, Clone)]
pub struct Document {
    /// The bytes.
    pub content: Vec<u8>,
    /// Its Content-Type.
    pub content_type: String,
    /// Its ETag (without quotes).
    pub etag: String,
    /// When it last changed.
    pub updated: DateTime<Utc>,
}

/// What a GET answers: one document, or the ids of the scope's documents.
#[derive(Debug, Clone)]
pub enum DocAnswer {
    /// One document.
    One(Document),
    /// Ids (and the latest change among them).
    Ids(Vec<String>, Option<DateTime<Utc>>),
}

/// The parameters of a document request, read strictly.
struct Params {
    scope: DocScope,
    id: Option<String>,
    since: Option<DateTime<Utc>>,
}

fn params(
    kind: DocKind,
    pairs: &[(String, String)],
    auth: &Authority,
    write: bool,
) -> LrsResult<Params> {
    let allowed: &[&str] = match kind {
        DocKind::State => &["activityId", "agent", "registration", "stateId", "since"],
        DocKind::ActivityProfile => &["activityId", "profileId", "since"],
        DocKind::AgentProfile => &["agent", "profileId", "since"],
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut scope = DocScope {
        kind: kind.stored(),
        ..Default::default()
    };
    let mut id = None;
    let mut since = None;
    for (k, v) in pairs {
        let Some(name) = allowed.iter().find(|a| **a == k.as_str()) else {
            return Err(LrsError::Bad(format!(
                "{k} is not a parameter of this resource"
            )));
        };
        if seen.contains(name) {
            return Err(LrsError::Bad(format!("{k} is given twice")));
        }
        seen.push(name);
        match *name {
            "activityId" => {
                if !validate::is_iri(v) {
                    return Err(LrsError::Bad("activityId must be an IRI".into()));
                }
                scope.activity = v.clone();
            }
            "agent" => {
                let a = agent::param("agent", v)?;
                scope.agent = agent::key(&a).unwrap_or_default();
            }
            "registration" => {
                let r = uuid::Uuid::parse_str(v)
                    .ok()
                    .filter(|_| v.len() == 36)
                    .ok_or_else(|| LrsError::Bad("registration must be a UUID".into()))?;
                scope.registration = r.to_string();
            }
            "since" => {
                since =
                    Some(time::parse_utc(v).ok_or_else(|| {
                        LrsError::Bad("since must be an ISO 8601 timestamp".into())
                    })?);
            }
            _ => id = Some(v.clone()),
        }
    }
    let required: &[&str] = match kind {
        DocKind::State => &["activityId", "agent"],
        DocKind::ActivityProfile => &["activityId"],
        DocKind::AgentProfile => &["agent"],
    };
    for r in required {
        if !seen.contains(r) {
            return Err(LrsError::Bad(format!("{r} is required")));
        }
    }
    if let Some(me) = &auth.learner {
        let theirs = match kind {
            DocKind::ActivityProfile => !write,
            _ => scope.agent == *me,
        };
        if !theirs {
            return Err(LrsError::Forbidden(
                "this token reaches only its learner's documents".into(),
            ));
        }
    }
    Ok(Params { scope, id, since })
}

fn check_preconditions(existing: Option<&Document>, pre: &Preconditions) -> LrsResult<()> {
    let matches = |list: &str, etag: &str| {
        list.split(',')
            .map(|t| t.trim().trim_start_matches("W/").trim_matches('"'))
            .any(|t| t == "*" || t.eq_ignore_ascii_case(etag))
    };
    if let Some(m) = &pre.if_match {
        match existing {
            Some(d) if matches(m, &d.etag) => {}
            _ => {
                return Err(LrsError::PreconditionFailed(
                    "If-Match does not match the document's ETag".into(),
                ))
            }
        }
    }
    if let Some(m) = &pre.if_none_match {
        if let Some(d) = existing {
            if m.trim() == "*" || matches(m, &d.etag) {
                return Err(LrsError::PreconditionFailed(
                    "If-None-Match: the document exists".into(),
                ));
            }
        }
    }
    Ok(())
}

fn document(m: amphi_db::rows::XapiDocument) -> Document {
    Document {
        content: m.content,
        content_type: m.content_type,
        etag: m.etag,
        updated: m.updated_at,
    }
}

/// Whether a Content-Type is JSON.
fn is_json(ct: &str) -> bool {
    ct.split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// A write of a document as sent.
#[derive(Debug, Clone)]
pub struct DocWrite {
    /// Its preconditions.
    pub pre: Preconditions,
    /// The Content-Type sent.
    pub content_type: String,
    /// The body.
    pub content: Vec<u8>,
    /// POST (merge JSON objects) rather than PUT (replace).
    pub merge: bool,
}

/// Stores a document: PUT replaces, POST merges JSON objects; the new ETag.
pub async fn save(
    app: &App,
    tenant: TenantId,
    auth: &Authority,
    kind: DocKind,
    pairs: &[(String, String)],
    w: DocWrite,
) -> LrsResult<String> {
    let DocWrite {
        pre,
        content_type,
        content,
        merge,
    } = w;
    let (pre, content_type) = (&pre, content_type.as_str());
    auth.need(XapiNeed::WriteDocuments(kind.docs()))?;
    let p = params(kind, pairs, auth, true)?;
    let id =
        p.id.ok_or_else(|| LrsError::Bad(format!("{} is required", kind.id_param())))?;
    kept_by_platform(kind, Some(&id), auth)?;
    // Read, decide, then write only if the document is still as read; another writer in
    // between makes us read again (a few times), so two writers never overwrite each other
    // unseen and every precondition is checked against what is replaced.
    for _ in 0..5 {
        let existing = repo::document(app.db.writer(), tenant, &p.scope, &id)
            .await?
            .map(document);
        check_preconditions(existing.as_ref(), pre)?;
        if !merge
            && kind != DocKind::State
            && existing.is_some()
            && pre.if_match.is_none()
            && pre.if_none_match.is_none()
        {
            return Err(LrsError::Conflict(
                "the document exists: send If-Match with its ETag, or If-None-Match: *".into(),
            ));
        }
        let (new_content, new_type) = match (merge, &existing) {
            (true, Some(old)) => (
                merged(old, content_type, &content)?,
                "application/json".to_owned(),
            ),
            (true, None) if is_json(content_type) => {
                match serde_json::from_slice::<Value>(&content) {
                    Ok(Value::Object(_)) => (content.clone(), content_type.to_owned()),
                    _ => return Err(LrsError::Bad("the content is not a JSON object".into())),
                }
            }
            _ => (content.clone(), content_type.to_owned()),
        };
        let etag = amphi_xapi::etag(&new_content);
        let expect = match &existing {
            Some(d) => DocExpect::Etag(d.etag.clone()),
            None => DocExpect::Absent,
        };
        let doc = DocContent {
            content: new_content,
            content_type: new_type,
            etag: etag.clone(),
        };
        if repo::save_document(
            app.db.writer(),
            tenant,
            &p.scope,
            &id,
            doc,
            expect,
            app.now(),
        )
        .await?
        {
            return Ok(etag);
        }
    }
    Err(LrsError::Conflict(
        "the document keeps changing: try again".into(),
    ))
}

/// A POST onto a stored document: both must be JSON objects; the new properties win.
fn merged(old: &Document, content_type: &str, content: &[u8]) -> LrsResult<Vec<u8>> {
    let (a, b) = (
        serde_json::from_slice::<Value>(&old.content).ok(),
        serde_json::from_slice::<Value>(content).ok(),
    );
    match (is_json(&old.content_type) && is_json(content_type), a, b) {
        (true, Some(Value::Object(mut a)), Some(Value::Object(b))) => {
            a.extend(b);
            Ok(Value::Object(a).to_string().into_bytes())
        }
        _ => Err(LrsError::Bad(
            "POST merges only JSON objects: the document and the content must both be application/json objects".into(),
        )),
    }
}

/// Reads one document, or the ids of the scope's documents (changed after `since`).
pub async fn get(
    app: &App,
    tenant: TenantId,
    auth: &Authority,
    kind: DocKind,
    pairs: &[(String, String)],
) -> LrsResult<DocAnswer> {
    auth.need(XapiNeed::ReadDocuments(kind.docs()))?;
    let p = params(kind, pairs, auth, false)?;
    match p.id {
        Some(id) => {
            if p.since.is_some() {
                return Err(LrsError::Bad("since is only for lists of ids".into()));
            }
            repo::document(app.db.reader(), tenant, &p.scope, &id)
                .await?
                .map(|d| DocAnswer::One(document(d)))
                .ok_or(LrsError::NotFound)
        }
        None => {
            let ids = repo::document_ids(app.db.reader(), tenant, &p.scope, p.since).await?;
            let last = ids.iter().map(|(_, t)| *t).max();
            Ok(DocAnswer::Ids(
                ids.into_iter().map(|(i, _)| i).collect(),
                last,
            ))
        }
    }
}

/// The documents Amphi writes for content it launches (cmi5's `LMS.LaunchData` State and
/// `cmi5LearnerPreferences` Agent Profile): content holding a learner token may read them,
/// never change or delete them (nor delete every State document of a scope at once).
fn kept_by_platform(kind: DocKind, id: Option<&str>, auth: &Authority) -> LrsResult<()> {
    if auth.learner.is_none() {
        return Ok(());
    }
    let kept = match (kind, id) {
        (DocKind::State, Some(id)) => id == "LMS.LaunchData",
        (DocKind::State, None) => auth.session.is_some(),
        (DocKind::AgentProfile, Some(id)) => id == "cmi5LearnerPreferences",
        _ => false,
    };
    if kept {
        Err(LrsError::Forbidden(
            "this document is kept by the LMS: content may read it, not change it".into(),
        ))
    } else {
        Ok(())
    }
}

/// Deletes one document, or (State only) every document of the scope.
pub async fn delete(
    app: &App,
    tenant: TenantId,
    auth: &Authority,
    kind: DocKind,
    pairs: &[(String, String)],
    pre: &Preconditions,
) -> LrsResult<()> {
    auth.need(XapiNeed::WriteDocuments(kind.docs()))?;
    let p = params(kind, pairs, auth, true)?;
    if p.id.is_none() && kind != DocKind::State {
        return Err(LrsError::Bad("profileId is required".into()));
    }
    kept_by_platform(kind, p.id.as_deref(), auth)?;
    if let Some(id) = &p.id {
        let existing = repo::document(app.db.writer(), tenant, &p.scope, id)
            .await?
            .map(document);
        check_preconditions(existing.as_ref(), pre)?;
    }
    repo::delete_documents(app.db.writer(), tenant, &p.scope, p.id.as_deref()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(etag: &str) -> Document {
        Document {
            content: vec![],
            content_type: "application/json".into(),
            etag: etag.into(),
            updated: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn preconditions() {
        let m = |s: &str| Preconditions {
            if_match: Some(s.into()),
            if_none_match: None,
        };
        let n = |s: &str| Preconditions {
            if_match: None,
            if_none_match: Some(s.into()),
        };
        assert!(check_preconditions(Some(&doc("ab")), &m("\"ab\"")).is_ok());
        assert!(check_preconditions(Some(&doc("ab")), &m("\"cd\"")).is_err());
        assert!(check_preconditions(None, &m("*")).is_err());
        assert!(check_preconditions(Some(&doc("ab")), &n("*")).is_err());
        assert!(check_preconditions(None, &n("*")).is_ok());
    }
}

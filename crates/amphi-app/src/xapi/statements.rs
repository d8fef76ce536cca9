//! The Statements resource: storing (PUT one, POST one or many, with attachments and
//! signatures), getting one by id or voided id, and querying with every parameter of the spec,
//! page by page (`more`: an opaque link signed for the tenant and the query).
//!
//! A batch is stored whole or not at all: every statement is checked, then in one
//! transaction ids already stored are compared (the same statement again changes nothing; a
//! different one with the same id is a 409), voided targets are marked, attachments and
//! merged activity definitions written.

use super::auth::Authority;
use super::{LrsError, LrsResult};
use crate::App;
use amphi_core::xapi::XapiNeed;
use amphi_core::{Error, TenantId};
use amphi_db::repo::xapi as repo;
use amphi_db::rows;
use amphi_xapi::multipart::{self, Part};
use amphi_xapi::query::{self, StatementQuery};
use amphi_xapi::validate::{self, Facts};
use amphi_xapi::{compare, format, signature, time, XapiError, VOIDED};
use base64::Engine;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// The most statements one GET returns (`limit=0` asks for this).
pub const MAX_PAGE: u32 = 500;

/// Checks and stores statements (`put_id`: the `statementId` of a PUT); their ids in order.
pub async fn store(
    app: &App,
    tenant: TenantId,
    auth: &Authority,
    statements: Vec<Value>,
    parts: Vec<Part>,
    put_id: Option<Uuid>,
) -> LrsResult<Vec<Uuid>> {
    auth.need(XapiNeed::WriteStatements)?;
    if statements.is_empty() {
        return Err(LrsError::Bad("no statement to store".into()));
    }
    // To the millisecond, as `stored` is written: `since` and `until` compare the column, so
    // it must hold the very instant a client reads.
    let now = app.now().trunc_subsecs(3);
    let stored = time::format(now);
    let mut checked: Vec<(Value, Facts)> = Vec::with_capacity(statements.len());
    // The ids the client gave: only those can be stored already, or voided beforehand.
    let mut given = Vec::new();
    let mut all_attachments = Vec::new();
    for (i, mut s) in statements.into_iter().enumerate() {
        let at = |e: XapiError| {
            if put_id.is_some() {
                LrsError::Bad(e.to_string())
            } else {
                LrsError::Bad(format!("statement {i}: {e}"))
            }
        };
        let mut f = validate::statement(&mut s).map_err(at)?;
        if let Some(pid) = put_id {
            match f.id {
                Some(id) if id != pid => {
                    return Err(LrsError::Bad(
                        "the statement's id is not the statementId parameter".into(),
                    ))
                }
                _ => f.id = Some(pid),
            }
        }
        if let Some(id) = f.id {
            given.push(id);
        }
        // Version 4, not Amphi's usual 7: client libraries of xAPI's first years (TinCanPython)
        // refuse UUID versions above 5. A random id of 122 bits is new to the store: nothing
        // is looked up for it.
        let id = *f.id.get_or_insert_with(Uuid::new_v4);
        if let Some(me) = &auth.learner {
            if f.actor.as_deref() != Some(me.as_str()) {
                return Err(LrsError::Forbidden(
                    "this token stores only statements whose actor is its learner".into(),
                ));
            }
        }
        if let Some(sha2) = signature::signature_sha2(&s) {
            let part = parts.iter().find(|p| p.sha2 == sha2).ok_or_else(|| {
                LrsError::Bad("a signed statement must send its signature as a part".into())
            })?;
            signature::verify(&s, &part.data)?;
        }
        all_attachments.extend(f.attachments.iter().cloned());
        if let Some(m) = s.as_object_mut() {
            m.insert("id".into(), json!(id.to_string()));
            m.insert("authority".into(), auth.agent.clone());
            m.insert("stored".into(), json!(stored));
            if !m.contains_key("timestamp") {
                m.insert("timestamp".into(), json!(stored));
            }
            if !m.contains_key("version") {
                m.insert("version".into(), json!("1.0.0"));
            }
        }
        checked.push((s, f));
    }
    multipart::check_parts(&all_attachments, &parts)?;
    let ids: Vec<Uuid> = checked.iter().filter_map(|(_, f)| f.id).collect();
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(LrsError::Bad(format!(
                "the statement id {id} appears twice in the batch"
            )));
        }
    }
    let definitions = merged_definitions(app, tenant, &checked).await?;
    let authority = auth.key();
    let saved = definitions.clone();
    let outcome = app
        .write(move |app| async move {
            write(&app, tenant, checked, given, parts, saved, authority, now).await
        })
        .await?;
    match outcome {
        Outcome::Stored => {
            for (id, def) in definitions {
                app.xapi_cache.put_definition(tenant, id, def);
            }
            Ok(ids)
        }
        Outcome::Refused(e) => Err(e),
    }
}

/// What the write transaction decided.
enum Outcome {
    Stored,
    Refused(LrsError),
}

#[allow(clippy::too_many_arguments)]
async fn write(
    app: &App,
    tenant: TenantId,
    checked: Vec<(Value, Facts)>,
    given: Vec<Uuid>,
    parts: Vec<Part>,
    definitions: Vec<(String, Value)>,
    authority: String,
    now: DateTime<Utc>,
) -> amphi_core::Result<Outcome> {
    let targets: Vec<Uuid> = checked.iter().filter_map(|(_, f)| f.voids).collect();
    if given.is_empty() && targets.is_empty() && parts.is_empty() && definitions.is_empty() {
        // New ids only, voiding nothing, nothing else to write (the usual statement): no
        // check, one write.
        let rows = new_rows(checked, &[], &authority, now);
        repo::insert_statements_alone(app.db.writer(), tenant, rows).await?;
        return Ok(Outcome::Stored);
    }
    let txn = app.db.begin().await?;
    // One query: the given ids already stored, the voided targets, earlier voiding statements.
    let known = repo::known_for_batch(&txn, tenant, &given, &targets).await?;
    let mut fresh = Vec::new();
    for (s, f) in checked {
        match known.iter().find(|e| Some(e.statement_id) == f.id) {
            Some(e) => {
                let old: Value = serde_json::from_str(&e.body).map_err(Error::internal)?;
                if !compare::same(&old, &s) {
                    return Ok(Outcome::Refused(LrsError::Conflict(format!(
                        "a different statement with the id {} is already stored",
                        e.statement_id
                    ))));
                }
            }
            None => fresh.push((s, f)),
        }
    }
    // Voiding: the target must not itself be a voiding statement (stored or in this batch).
    let targets: Vec<Uuid> = fresh.iter().filter_map(|(_, f)| f.voids).collect();
    for t in &targets {
        let target_voids = known
            .iter()
            .find(|s| s.statement_id == *t)
            .map(|s| s.voids.is_some())
            .or_else(|| {
                fresh
                    .iter()
                    .find(|(_, f)| f.id == Some(*t))
                    .map(|(_, f)| f.voids.is_some())
            })
            .unwrap_or(false);
        if target_voids {
            return Ok(Outcome::Refused(LrsError::Bad(format!(
                "the statement {t} voids another statement and cannot be voided"
            ))));
        }
    }
    // Statements of the batch that a stored statement voids already.
    let mut voided: Vec<Uuid> = known.iter().filter_map(|s| s.voids).collect();
    voided.extend(targets.iter().copied());
    let rows = new_rows(fresh, &voided, &authority, now);
    if !rows.is_empty() {
        repo::insert_statements(&txn, tenant, rows).await?;
    }
    repo::mark_voided(&txn, tenant, &targets).await?;
    if !parts.is_empty() {
        repo::insert_attachments(
            &txn,
            tenant,
            parts
                .into_iter()
                .map(|p| rows::XapiAttachment {
                    tenant_id: tenant.0,
                    length: p.data.len() as i64,
                    sha2: p.sha2,
                    content_type: p.content_type,
                    content: p.data,
                })
                .collect(),
        )
        .await?;
    }
    for (id, def) in definitions {
        repo::save_activity(&txn, tenant, &id, def.to_string(), now).await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    Ok(Outcome::Stored)
}

/// The rows of statements to store, `voided` those a stored statement voids already.
fn new_rows(
    fresh: Vec<(Value, Facts)>,
    voided: &[Uuid],
    authority: &str,
    now: DateTime<Utc>,
) -> Vec<repo::NewStatement> {
    fresh
        .into_iter()
        .map(|(s, f)| {
            let id = f.id.unwrap_or_default();
            let mut agents = f.related_agents;
            agents.push(authority.to_owned());
            repo::NewStatement {
                statement_id: id,
                stored_at: now,
                timestamp: f.timestamp.unwrap_or(now),
                verb: f.verb,
                actor: f.actor,
                activity: f.object_activity,
                object_agent: f.object_agent,
                object_statement: f.object_statement,
                authority: authority.to_owned(),
                registration: f.registration,
                voids: f.voids,
                voided: voided.contains(&id),
                agents,
                activities: f.related_activities,
                body: s.to_string(),
            }
        })
        .collect()
}

/// The activity definitions that change: each stored one merged with what the statements
/// carry (language maps and extensions gain entries, other properties take the new value).
async fn merged_definitions(
    app: &App,
    tenant: TenantId,
    checked: &[(Value, Facts)],
) -> LrsResult<Vec<(String, Value)>> {
    let mut out: HashMap<String, Value> = HashMap::new();
    for (_, f) in checked {
        for (id, def) in &f.definitions {
            let base = match out.remove(id) {
                Some(v) => v,
                None => stored_definition(app, tenant, id).await?,
            };
            let merged = merge_definition(&base, def);
            if merged != base {
                out.insert(id.clone(), merged);
            } else {
                out.remove(id);
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The definition stored for an activity (`{}` for none): as this node last read or wrote
/// it, if within the cache's TTL.
async fn stored_definition(app: &App, tenant: TenantId, id: &str) -> LrsResult<Value> {
    if let Some(d) = app.xapi_cache.definition(tenant, id) {
        return Ok(d);
    }
    let d = match repo::activity(app.db.reader(), tenant, id).await? {
        Some(a) => serde_json::from_str(&a.definition).unwrap_or_else(|_| json!({})),
        None => json!({}),
    };
    app.xapi_cache
        .put_definition(tenant, id.to_owned(), d.clone());
    Ok(d)
}

fn merge_definition(base: &Value, new: &Value) -> Value {
    let mut out = base.clone();
    let (Some(o), Some(n)) = (out.as_object_mut(), new.as_object()) else {
        return new.clone();
    };
    for (k, v) in n {
        match (o.get_mut(k), v) {
            (Some(Value::Object(old)), Value::Object(add))
                if ["name", "description", "extensions"].contains(&k.as_str()) =>
            {
                for (lk, lv) in add {
                    old.insert(lk.clone(), lv.clone());
                }
            }
            _ => {
                o.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// What a GET of statements answers.
#[derive(Debug, Clone)]
pub struct Answer {
    /// One statement, or a StatementResult `{statements, more}`.
    pub body: Value,
    /// The attachments' content, when asked (`attachments=true`).
    pub parts: Option<Vec<Part>>,
    /// Every statement stored before this is in the results of any query.
    pub consistent_through: DateTime<Utc>,
    /// When what is answered last changed.
    pub last_modified: DateTime<Utc>,
}

/// Where a page stopped, sealed into the `more` link.
#[derive(Serialize, Deserialize)]
struct More {
    /// Tenant.
    t: Uuid,
    /// The query's parameters.
    q: Vec<(String, String)>,
    /// The last `seq` returned.
    after: i64,
}

const MORE_PURPOSE: &str = "xapi.more";

fn seal(app: &App, m: &More) -> LrsResult<String> {
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(m).map_err(|e| LrsError::Internal(e.to_string()))?);
    let sig = amphi_auth::signed::sign(app.secret(), MORE_PURPOSE, &body);
    Ok(format!("{body}.{sig}"))
}

fn open(app: &App, raw: &str) -> Option<More> {
    let (body, sig) = raw.split_once('.')?;
    if !amphi_auth::signed::verify(app.secret(), MORE_PURPOSE, body, sig) {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A GET of statements: `pairs` the parameters as sent (or a `more` token), `accepted` the
/// client's languages (for `format=canonical`).
pub async fn get(
    app: &App,
    tenant: TenantId,
    auth: &Authority,
    pairs: Vec<(String, String)>,
    accepted: &[String],
) -> LrsResult<Answer> {
    auth.need(XapiNeed::ReadStatements)?;
    let mine = amphi_core::xapi::read_statements(&auth.scopes) == Some(true);
    let (pairs, after) = match pairs.iter().find(|(k, _)| k == "more") {
        Some((_, token)) => {
            if pairs.len() > 1 {
                return Err(LrsError::Bad("more takes no other parameter".into()));
            }
            let m = open(app, token)
                .filter(|m| m.t == tenant.0)
                .ok_or_else(|| LrsError::Bad("this more link is not valid here".into()))?;
            (m.q, Some(m.after))
        }
        None => (pairs, None),
    };
    let q = query::parse(&pairs)?;
    let now = app.now();
    if let Some(id) = q.statement_id.or(q.voided_statement_id) {
        let voided = q.voided_statement_id.is_some();
        let s = repo::statements_by_ids(app.db.reader(), tenant, &[id])
            .await?
            .into_iter()
            .find(|s| s.voided == voided)
            .ok_or(LrsError::NotFound)?;
        if !may_read(auth, mine, &s) {
            return Err(LrsError::NotFound);
        }
        let mut body: Value =
            serde_json::from_str(&s.body).map_err(|e| LrsError::Internal(e.to_string()))?;
        in_format(app, tenant, std::slice::from_mut(&mut body), &q, accepted).await?;
        let parts = attachments_of(app, tenant, &q, std::slice::from_ref(&body)).await?;
        return Ok(Answer {
            body,
            parts,
            consistent_through: now,
            last_modified: s.stored_at,
        });
    }
    let filter = repo::StatementFilter {
        agent: q.agent.clone(),
        verb: q.verb.clone(),
        activity: q.activity.clone(),
        registration: q.registration,
        related_agents: q.related_agents,
        related_activities: q.related_activities,
        since: q.since,
        until: q.until,
        actor: auth.learner.clone(),
        authority: if mine && auth.learner.is_none() {
            Some(auth.key())
        } else {
            None
        },
    };
    // `limit` is the size of each page; `more` leads to the next.
    let page = if q.limit == 0 {
        MAX_PAGE
    } else {
        q.limit.min(MAX_PAGE)
    };
    let rows = repo::find_statements(
        app.db.reader(),
        tenant,
        &filter,
        after,
        q.ascending,
        u64::from(page) + 1,
    )
    .await?;
    let has_more = rows.len() > page as usize;
    let rows: Vec<rows::XapiStatement> = rows.into_iter().take(page as usize).collect();
    let last_modified = rows.iter().map(|r| r.stored_at).max().unwrap_or(now);
    let more = match (has_more, rows.last()) {
        (true, Some(last)) => Some(seal(
            app,
            &More {
                t: tenant.0,
                q: pairs.clone(),
                after: last.seq,
            },
        )?),
        _ => None,
    };
    let mut statements = Vec::with_capacity(rows.len());
    for r in &rows {
        statements.push(
            serde_json::from_str::<Value>(&r.body)
                .map_err(|e| LrsError::Internal(e.to_string()))?,
        );
    }
    in_format(app, tenant, &mut statements, &q, accepted).await?;
    let parts = attachments_of(app, tenant, &q, &statements).await?;
    Ok(Answer {
        body: json!({
            "statements": statements,
            "more": more.map(|m| format!("/xapi/statements?more={m}")).unwrap_or_default(),
        }),
        parts,
        consistent_through: now,
        last_modified,
    })
}

/// Statements in the format asked for. `canonical` gives each activity the definition the
/// LRS keeps for it (merged from every statement that carried one; one query for the page),
/// then keeps one language per map.
async fn in_format(
    app: &App,
    tenant: TenantId,
    statements: &mut [Value],
    q: &StatementQuery,
    accepted: &[String],
) -> LrsResult<()> {
    if q.format == format::Format::Canonical {
        let mut ids: Vec<String> = Vec::new();
        for s in statements.iter() {
            for id in format::activity_ids(s) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let kept: HashMap<String, Value> = repo::activities(app.db.reader(), tenant, &ids)
            .await?
            .into_iter()
            .filter_map(|(id, d)| Some((id, serde_json::from_str(&d).ok()?)))
            .collect();
        for s in statements.iter_mut() {
            format::use_canonical_definitions(s, &|id| kept.get(id).cloned());
        }
    }
    for s in statements.iter_mut() {
        format::apply(s, q.format, accepted);
    }
    Ok(())
}

fn may_read(auth: &Authority, mine: bool, s: &rows::XapiStatement) -> bool {
    if let Some(me) = &auth.learner {
        return s.actor_h == Some(repo::hash(me));
    }
    !mine || s.authority_h == Some(repo::hash(&auth.key()))
}

/// The attachments' content of the statements, when the query asks for it.
async fn attachments_of(
    app: &App,
    tenant: TenantId,
    q: &StatementQuery,
    statements: &[Value],
) -> LrsResult<Option<Vec<Part>>> {
    if !q.attachments {
        return Ok(None);
    }
    let mut wanted: Vec<String> = Vec::new();
    for s in statements {
        let lists = [
            s.get("attachments"),
            s.get("object").and_then(|o| o.get("attachments")),
        ];
        for a in lists
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
        {
            if let Some(h) = a.get("sha2").and_then(Value::as_str) {
                let h = h.to_lowercase();
                if !wanted.contains(&h) {
                    wanted.push(h);
                }
            }
        }
    }
    let rows = repo::attachments(app.db.reader(), tenant, &wanted).await?;
    Ok(Some(
        rows.into_iter()
            .map(|r| Part {
                sha2: r.sha2,
                content_type: r.content_type,
                data: r.content,
            })
            .collect(),
    ))
}

/// Whether a statement is a voiding one (for callers that show statements).
pub fn is_voiding(s: &Value) -> bool {
    s.pointer("/verb/id").and_then(Value::as_str) == Some(VOIDED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_merge() {
        let base = json!({"name": {"en": "A"}, "type": "http://t/1"});
        let new = json!({"name": {"fr": "Â"}, "type": "http://t/2", "moreInfo": "http://m"});
        assert_eq!(
            merge_definition(&base, &new),
            json!({"name": {"en": "A", "fr": "Â"}, "type": "http://t/2", "moreInfo": "http://m"})
        );
    }
}

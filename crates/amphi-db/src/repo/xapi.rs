//! The xAPI Learning Record Store: clients and learner tokens, statements with the agents and
//! activities they name, attachments, activity definitions and documents.
//!
//! Identifiers that queries filter on (agent keys, activity and verb IRIs) are indexed as the
//! first 64 bits of their SHA-256 ([`hash`]): every index entry is a few bytes whatever the
//! length of an IRI. Two different identifiers sharing 64 bits is the one way a filter could
//! match a statement it should not (about one chance in 10^12 among a million identifiers).
//!
//! Every function on tenant rows takes the tenant. Two do not: `client_by_key` and `token`
//! (a request names only the key; the caller compares the row's tenant with the site's), and
//! `prune_tokens`, the platform-wide housekeeping of expired tokens.

use crate::entities::{
    xapi_activity, xapi_attachment, xapi_client, xapi_document, xapi_statement,
    xapi_statement_activity, xapi_statement_agent, xapi_token,
};
use crate::repo::update_of_tenant;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sha2::Digest;
use uuid::Uuid;

/// The 64-bit hash an identifier is indexed by.
pub fn hash(s: &str) -> i64 {
    let d = sha2::Sha256::digest(s.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    i64::from_be_bytes(b)
}

fn hex_hash(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

// ----- clients and tokens

/// Inserts a client.
pub async fn insert_client(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: xapi_client::Model,
) -> Result<xapi_client::Model> {
    m.tenant_id = tenant.0;
    m.into_active_model().insert(c).await.db()
}

/// The tenant's clients by name.
pub async fn clients(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<xapi_client::Model>> {
    xapi_client::Entity::find()
        .filter(xapi_client::Column::TenantId.eq(tenant.0))
        .order_by_asc(xapi_client::Column::Name)
        .order_by_asc(xapi_client::Column::Id)
        .all(c)
        .await
        .db()
}

/// A client of the tenant.
pub async fn client(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<xapi_client::Model>> {
    xapi_client::Entity::find()
        .filter(xapi_client::Column::TenantId.eq(tenant.0))
        .filter(xapi_client::Column::Id.eq(id))
        .one(c)
        .await
        .db()
}

/// A client by key, whatever its tenant (the caller compares it with the site's).
pub async fn client_by_key(
    c: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<xapi_client::Model>> {
    xapi_client::Entity::find()
        .filter(xapi_client::Column::Key.eq(key))
        .one(c)
        .await
        .db()
}

/// Saves what changed in a client of the tenant.
pub async fn update_client(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &xapi_client::Model,
    new: &xapi_client::Model,
) -> Result<xapi_client::Model> {
    update_of_tenant::<_, xapi_client::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// Deletes a client of the tenant.
pub async fn delete_client(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<u64> {
    Ok(xapi_client::Entity::delete_many()
        .filter(xapi_client::Column::TenantId.eq(tenant.0))
        .filter(xapi_client::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

/// Inserts a learner token.
pub async fn insert_token(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: xapi_token::Model,
) -> Result<()> {
    m.tenant_id = tenant.0;
    xapi_token::Entity::insert(m.into_active_model())
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

/// A learner token by key, whatever its tenant (the caller compares it with the site's).
pub async fn token(c: &impl ConnectionTrait, key: &str) -> Result<Option<xapi_token::Model>> {
    xapi_token::Entity::find_by_id(key.to_owned())
        .one(c)
        .await
        .db()
}

/// Deletes the tokens expired before `now` (every tenant's).
pub async fn prune_tokens(c: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(xapi_token::Entity::delete_many()
        .filter(xapi_token::Column::ExpiresAt.lt(now))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

// ----- statements

/// A statement to store, with what queries filter on (identifiers as given; hashed here).
#[derive(Debug, Clone)]
pub struct NewStatement {
    /// Its id.
    pub statement_id: Uuid,
    /// When stored.
    pub stored_at: DateTime<Utc>,
    /// Its timestamp (the stored time when it gave none).
    pub timestamp: DateTime<Utc>,
    /// Verb IRI.
    pub verb: String,
    /// Actor key.
    pub actor: Option<String>,
    /// Object activity id.
    pub activity: Option<String>,
    /// Object agent key.
    pub object_agent: Option<String>,
    /// Object statement reference.
    pub object_statement: Option<Uuid>,
    /// Key of the authority (what `statements/read/mine` reads by).
    pub authority: String,
    /// Registration.
    pub registration: Option<Uuid>,
    /// The statement it voids.
    pub voids: Option<Uuid>,
    /// Already voided (a voiding statement for it was stored first).
    pub voided: bool,
    /// Agents it names (with the authority).
    pub agents: Vec<String>,
    /// Activities it names.
    pub activities: Vec<String>,
    /// The JSON as stored.
    pub body: String,
}

/// Rows per INSERT of index rows.
const ROWS_PER_INSERT: usize = 500;

/// Stores statements (their ids are new: the caller checked) with their index rows; their
/// sequence numbers, in order.
pub async fn insert_statements(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<NewStatement>,
) -> Result<Vec<i64>> {
    let mut seqs = Vec::with_capacity(rows.len());
    let mut agents = Vec::new();
    let mut activities = Vec::new();
    for chunk in rows.chunks(ROWS_PER_INSERT / 2) {
        let models = chunk.iter().map(|s| xapi_statement::ActiveModel {
            seq: sea_orm::ActiveValue::NotSet,
            tenant_id: Set(tenant.0),
            statement_id: Set(s.statement_id),
            stored_at: Set(s.stored_at),
            timestamp: Set(s.timestamp),
            verb_h: Set(hash(&s.verb)),
            actor_h: Set(s.actor.as_deref().map(hash)),
            activity_h: Set(s.activity.as_deref().map(hash)),
            object_agent_h: Set(s.object_agent.as_deref().map(hash)),
            authority_h: Set(Some(hash(&s.authority))),
            object_statement: Set(s.object_statement),
            registration: Set(s.registration),
            voids: Set(s.voids),
            voided: Set(s.voided),
            body: Set(s.body.clone()),
        });
        xapi_statement::Entity::insert_many(models)
            .exec_without_returning(c)
            .await
            .db()?;
        // The sequence numbers given, read back by id (one query; RETURNING of many rows is
        // not available on SQLite through sea-orm).
        let inserted: Vec<(Uuid, i64)> = xapi_statement::Entity::find()
            .select_only()
            .column(xapi_statement::Column::StatementId)
            .column(xapi_statement::Column::Seq)
            .filter(xapi_statement::Column::TenantId.eq(tenant.0))
            .filter(xapi_statement::Column::StatementId.is_in(chunk.iter().map(|s| s.statement_id)))
            .into_tuple()
            .all(c)
            .await
            .db()?;
        for s in chunk {
            let seq = inserted
                .iter()
                .find(|r| r.0 == s.statement_id)
                .map(|r| r.1)
                .ok_or_else(|| amphi_core::Error::Internal("statement not returned".into()))?;
            seqs.push(seq);
            let mut seen = Vec::new();
            for a in &s.agents {
                let h = hash(a);
                if !seen.contains(&h) {
                    seen.push(h);
                    agents.push(xapi_statement_agent::ActiveModel {
                        tenant_id: Set(tenant.0),
                        agent_h: Set(h),
                        seq: Set(seq),
                    });
                }
            }
            let mut seen = Vec::new();
            for a in &s.activities {
                let h = hash(a);
                if !seen.contains(&h) {
                    seen.push(h);
                    activities.push(xapi_statement_activity::ActiveModel {
                        tenant_id: Set(tenant.0),
                        activity_h: Set(h),
                        seq: Set(seq),
                    });
                }
            }
        }
    }
    while !agents.is_empty() {
        let rest = agents.split_off(agents.len().min(ROWS_PER_INSERT));
        xapi_statement_agent::Entity::insert_many(agents)
            .exec_without_returning(c)
            .await
            .db()?;
        agents = rest;
    }
    while !activities.is_empty() {
        let rest = activities.split_off(activities.len().min(ROWS_PER_INSERT));
        xapi_statement_activity::Entity::insert_many(activities)
            .exec_without_returning(c)
            .await
            .db()?;
        activities = rest;
    }
    Ok(seqs)
}

/// The stored statements among `ids` (voided or not).
pub async fn statements_by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> Result<Vec<xapi_statement::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    xapi_statement::Entity::find()
        .filter(xapi_statement::Column::TenantId.eq(tenant.0))
        .filter(xapi_statement::Column::StatementId.is_in(ids.iter().copied()))
        .all(c)
        .await
        .db()
}

/// Which of `ids` a stored statement voids (a voiding statement that arrived first).
pub async fn voided_among(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> Result<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Option<Uuid>> = xapi_statement::Entity::find()
        .select_only()
        .column(xapi_statement::Column::Voids)
        .filter(xapi_statement::Column::TenantId.eq(tenant.0))
        .filter(xapi_statement::Column::Voids.is_in(ids.iter().copied()))
        .into_tuple()
        .all(c)
        .await
        .db()?;
    Ok(rows.into_iter().flatten().collect())
}

/// Marks statements voided.
pub async fn mark_voided(c: &impl ConnectionTrait, tenant: TenantId, ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    xapi_statement::Entity::update_many()
        .col_expr(xapi_statement::Column::Voided, Expr::value(true))
        .filter(xapi_statement::Column::TenantId.eq(tenant.0))
        .filter(xapi_statement::Column::StatementId.is_in(ids.iter().copied()))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// The filters of a statements query (identifiers as given; hashed here).
#[derive(Debug, Clone, Default)]
pub struct StatementFilter {
    /// Agent key.
    pub agent: Option<String>,
    /// Verb IRI.
    pub verb: Option<String>,
    /// Activity id.
    pub activity: Option<String>,
    /// Registration.
    pub registration: Option<Uuid>,
    /// `agent` matches any agent named.
    pub related_agents: bool,
    /// `activity` matches any activity named.
    pub related_activities: bool,
    /// Stored after.
    pub since: Option<DateTime<Utc>>,
    /// Stored at or before.
    pub until: Option<DateTime<Utc>>,
    /// Only statements whose actor is this agent (a learner token reads its learner's).
    pub actor: Option<String>,
    /// Only statements stored with this authority (`statements/read/mine`).
    pub authority: Option<String>,
}

/// A page of the tenant's statements that are not voided, matching the filter, in `seq`
/// order (newest first unless `ascending`), after the cursor `after` (a `seq`); `limit`
/// rows at most.
pub async fn find_statements(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    f: &StatementFilter,
    after: Option<i64>,
    ascending: bool,
    limit: u64,
) -> Result<Vec<xapi_statement::Model>> {
    use xapi_statement::Column as S;
    let mut q = xapi_statement::Entity::find()
        .filter(S::TenantId.eq(tenant.0))
        .filter(S::Voided.eq(false));
    if let Some(a) = &f.agent {
        let h = hash(a);
        if f.related_agents {
            q = q
                .join(
                    JoinType::InnerJoin,
                    xapi_statement::Entity::belongs_to(xapi_statement_agent::Entity)
                        .from(S::Seq)
                        .to(xapi_statement_agent::Column::Seq)
                        .into(),
                )
                .filter(xapi_statement_agent::Column::TenantId.eq(tenant.0))
                .filter(xapi_statement_agent::Column::AgentH.eq(h));
        } else if f.activity.is_some() && !f.related_activities {
            // The object is then an Activity, so the agent can only be the actor: one range
            // of the (tenant, actor, activity, seq) index.
            q = q.filter(S::ActorH.eq(h));
        } else {
            q = q.filter(
                Condition::any()
                    .add(S::ActorH.eq(h))
                    .add(S::ObjectAgentH.eq(h)),
            );
        }
    }
    if let Some(a) = &f.activity {
        let h = hash(a);
        if f.related_activities {
            q = q
                .join(
                    JoinType::InnerJoin,
                    xapi_statement::Entity::belongs_to(xapi_statement_activity::Entity)
                        .from(S::Seq)
                        .to(xapi_statement_activity::Column::Seq)
                        .into(),
                )
                .filter(xapi_statement_activity::Column::TenantId.eq(tenant.0))
                .filter(xapi_statement_activity::Column::ActivityH.eq(h));
        } else {
            q = q.filter(S::ActivityH.eq(h));
        }
    }
    if let Some(a) = &f.actor {
        q = q.filter(S::ActorH.eq(hash(a)));
    }
    if let Some(a) = &f.authority {
        q = q.filter(S::AuthorityH.eq(hash(a)));
    }
    if let Some(v) = &f.verb {
        q = q.filter(S::VerbH.eq(hash(v)));
    }
    if let Some(r) = f.registration {
        q = q.filter(S::Registration.eq(r));
    }
    if let Some(t) = f.since {
        q = q.filter(S::StoredAt.gt(t));
    }
    if let Some(t) = f.until {
        q = q.filter(S::StoredAt.lte(t));
    }
    if let Some(a) = after {
        q = q.filter(if ascending {
            S::Seq.gt(a)
        } else {
            S::Seq.lt(a)
        });
    }
    q = if ascending {
        q.order_by_asc(S::Seq)
    } else {
        q.order_by_desc(S::Seq)
    };
    q.limit(limit).all(c).await.db()
}

/// The tenant's newest `seq` (0 for none).
pub async fn last_seq(c: &impl ConnectionTrait, tenant: TenantId) -> Result<i64> {
    let v: Option<Option<i64>> = xapi_statement::Entity::find()
        .select_only()
        .column_as(xapi_statement::Column::Seq.max(), "m")
        .filter(xapi_statement::Column::TenantId.eq(tenant.0))
        .into_tuple()
        .one(c)
        .await
        .db()?;
    Ok(v.flatten().unwrap_or(0))
}

// ----- attachments

/// Stores attachments' content (one already stored is kept).
pub async fn insert_attachments(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<xapi_attachment::Model>,
) -> Result<()> {
    for r in rows {
        let mut r = r;
        r.tenant_id = tenant.0;
        xapi_attachment::Entity::insert(r.into_active_model())
            .on_conflict(
                OnConflict::columns([
                    xapi_attachment::Column::TenantId,
                    xapi_attachment::Column::Sha2,
                ])
                .do_nothing()
                .to_owned(),
            )
            .do_nothing()
            .exec_without_returning(c)
            .await
            .db()?;
    }
    Ok(())
}

/// The stored attachments among `sha2s`.
pub async fn attachments(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    sha2s: &[String],
) -> Result<Vec<xapi_attachment::Model>> {
    if sha2s.is_empty() {
        return Ok(Vec::new());
    }
    xapi_attachment::Entity::find()
        .filter(xapi_attachment::Column::TenantId.eq(tenant.0))
        .filter(xapi_attachment::Column::Sha2.is_in(sha2s.iter().cloned()))
        .all(c)
        .await
        .db()
}

// ----- activities

/// An activity's stored definition.
pub async fn activity(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: &str,
) -> Result<Option<xapi_activity::Model>> {
    xapi_activity::Entity::find()
        .filter(xapi_activity::Column::TenantId.eq(tenant.0))
        .filter(xapi_activity::Column::IdHash.eq(hex_hash(&[id])))
        .one(c)
        .await
        .db()
}

/// Saves an activity's (merged) definition.
pub async fn save_activity(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: &str,
    definition: String,
    now: DateTime<Utc>,
) -> Result<()> {
    let m = xapi_activity::ActiveModel {
        tenant_id: Set(tenant.0),
        id_hash: Set(hex_hash(&[id])),
        activity_id: Set(id.to_owned()),
        definition: Set(definition),
        updated_at: Set(now),
    };
    xapi_activity::Entity::insert(m)
        .on_conflict(
            OnConflict::columns([
                xapi_activity::Column::TenantId,
                xapi_activity::Column::IdHash,
            ])
            .update_columns([
                xapi_activity::Column::Definition,
                xapi_activity::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

// ----- documents

/// Where a document lives: its kind (`state`, `activity_profile`, `agent_profile`), activity,
/// agent key and registration (empty when the kind has none).
#[derive(Debug, Clone, Default)]
pub struct DocScope {
    /// Kind.
    pub kind: &'static str,
    /// Activity id.
    pub activity: String,
    /// Agent key.
    pub agent: String,
    /// Registration.
    pub registration: String,
}

impl DocScope {
    fn hash(&self) -> String {
        hex_hash(&[self.kind, &self.activity, &self.agent, &self.registration])
    }
    fn key(&self, doc_id: &str) -> String {
        hex_hash(&[
            self.kind,
            &self.activity,
            &self.agent,
            &self.registration,
            doc_id,
        ])
    }
}

/// One document.
pub async fn document(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    doc_id: &str,
) -> Result<Option<xapi_document::Model>> {
    xapi_document::Entity::find()
        .filter(xapi_document::Column::TenantId.eq(tenant.0))
        .filter(xapi_document::Column::KeyHash.eq(scope.key(doc_id)))
        .one(c)
        .await
        .db()
}

/// A document's content.
#[derive(Debug, Clone)]
pub struct DocContent {
    /// The bytes.
    pub content: Vec<u8>,
    /// Its Content-Type.
    pub content_type: String,
    /// Its ETag.
    pub etag: String,
}

/// What a document write expects to find, so that a write decided on what was read does not
/// overwrite a change made meanwhile.
#[derive(Debug, Clone)]
pub enum DocExpect {
    /// No document yet.
    Absent,
    /// The document with this ETag.
    Etag(String),
}

/// Writes a document if it is still as `expect` says (created, or replaced); false when it
/// is not (another writer came first: read again).
pub async fn save_document(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    doc_id: &str,
    doc: DocContent,
    expect: DocExpect,
    now: DateTime<Utc>,
) -> Result<bool> {
    use xapi_document::Column as D;
    match expect {
        DocExpect::Etag(old) => Ok(xapi_document::Entity::update_many()
            .col_expr(D::Content, Expr::value(doc.content))
            .col_expr(D::ContentType, Expr::value(doc.content_type))
            .col_expr(D::Etag, Expr::value(doc.etag))
            .col_expr(D::UpdatedAt, Expr::value(now))
            .filter(D::TenantId.eq(tenant.0))
            .filter(D::KeyHash.eq(scope.key(doc_id)))
            .filter(D::Etag.eq(old))
            .exec(c)
            .await
            .db()?
            .rows_affected
            == 1),
        DocExpect::Absent => {
            let m = xapi_document::ActiveModel {
                tenant_id: Set(tenant.0),
                key_hash: Set(scope.key(doc_id)),
                scope_hash: Set(scope.hash()),
                kind: Set(scope.kind.to_owned()),
                activity_id: Set(scope.activity.clone()),
                agent_key: Set(scope.agent.clone()),
                registration: Set(scope.registration.clone()),
                doc_id: Set(doc_id.to_owned()),
                content: Set(doc.content),
                content_type: Set(doc.content_type),
                etag: Set(doc.etag),
                updated_at: Set(now),
            };
            let inserted = xapi_document::Entity::insert(m)
                .on_conflict(
                    OnConflict::columns([D::TenantId, D::KeyHash])
                        .do_nothing()
                        .to_owned(),
                )
                .do_nothing()
                .exec_without_returning(c)
                .await
                .db()?;
            Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(1)))
        }
    }
}

/// Deletes one document, or every document of the scope (`doc_id` None); how many.
pub async fn delete_documents(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    doc_id: Option<&str>,
) -> Result<u64> {
    let mut q =
        xapi_document::Entity::delete_many().filter(xapi_document::Column::TenantId.eq(tenant.0));
    q = match doc_id {
        Some(d) => q.filter(xapi_document::Column::KeyHash.eq(scope.key(d))),
        None => q.filter(xapi_document::Column::ScopeHash.eq(scope.hash())),
    };
    Ok(q.exec(c).await.db()?.rows_affected)
}

/// The ids of the scope's documents updated after `since`.
pub async fn document_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    let mut q = xapi_document::Entity::find()
        .select_only()
        .column(xapi_document::Column::DocId)
        .column(xapi_document::Column::UpdatedAt)
        .filter(xapi_document::Column::TenantId.eq(tenant.0))
        .filter(xapi_document::Column::ScopeHash.eq(scope.hash()));
    if let Some(t) = since {
        q = q.filter(xapi_document::Column::UpdatedAt.gt(t));
    }
    q.order_by_asc(xapi_document::Column::UpdatedAt)
        .into_tuple()
        .all(c)
        .await
        .db()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_is_stable() {
        assert_eq!(super::hash("a"), super::hash("a"));
        assert_ne!(super::hash("a"), super::hash("b"));
    }
}

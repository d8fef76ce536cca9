//! Statements: stored with the agents and activities each names, and read back by id or by
//! the filters of a query, in keyset pages on `seq`.

use super::hash;
use crate::entities::{xapi_statement, xapi_statement_activity, xapi_statement_agent};
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

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
/// sequence numbers, in order. Per 250 statements: one INSERT answering the sequence numbers
/// given (`RETURNING`), then one INSERT of the agents and one of the activities they name;
/// on PostgreSQL the three are one statement.
pub async fn insert_statements(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<NewStatement>,
) -> Result<Vec<i64>> {
    let mut seqs = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_INSERT / 2) {
        seqs.extend(insert_chunk(c, tenant, chunk).await?);
    }
    Ok(seqs)
}

/// Stores statements that need nothing else written with them, as one whole: on PostgreSQL
/// (up to 250 statements) in one statement, without a transaction of its own to begin and
/// commit; elsewhere in a transaction.
pub async fn insert_statements_alone(
    c: &sea_orm::DatabaseConnection,
    tenant: TenantId,
    rows: Vec<NewStatement>,
) -> Result<Vec<i64>> {
    use sea_orm::TransactionTrait;
    if c.get_database_backend() == sea_orm::DbBackend::Postgres && rows.len() <= ROWS_PER_INSERT / 2
    {
        return insert_chunk(c, tenant, &rows).await;
    }
    let txn = c.begin().await.db()?;
    let seqs = insert_statements(&txn, tenant, rows).await?;
    txn.commit().await.db()?;
    Ok(seqs)
}

/// An index row of a statement: its id and the hash of an agent or activity it names.
type IndexRow = (Uuid, i64);

/// The index rows of statements: of each agent, and of each activity.
fn index_rows(chunk: &[NewStatement]) -> (Vec<IndexRow>, Vec<IndexRow>) {
    let (mut agents, mut activities) = (Vec::new(), Vec::new());
    for s in chunk {
        for (names, out) in [(&s.agents, &mut agents), (&s.activities, &mut activities)] {
            let start = out.len();
            for a in names {
                let h = hash(a);
                if !out[start..].iter().any(|(_, x)| *x == h) {
                    out.push((s.statement_id, h));
                }
            }
        }
    }
    (agents, activities)
}

/// Up to 250 statements and their index rows; their sequence numbers, in order.
async fn insert_chunk(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    chunk: &[NewStatement],
) -> Result<Vec<i64>> {
    use sea_orm::sea_query::{ArrayType, Query, Value};
    use sea_orm::QueryTrait;
    let backend = c.get_database_backend();
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
    let mut insert = xapi_statement::Entity::insert_many(models).into_query();
    insert.returning(Query::returning().columns([
        xapi_statement::Column::StatementId,
        xapi_statement::Column::Seq,
    ]));
    let (agents, activities) = index_rows(chunk);
    let mut stmt = backend.build(&insert);
    let pg = backend == sea_orm::DbBackend::Postgres;
    if pg {
        // One round trip: the index rows are inserted by the same statement, from arrays
        // joined to the rows the INSERT returns.
        let mut values = stmt.values.take().map(|v| v.0).unwrap_or_default();
        let n = values.len();
        let array = |ty: ArrayType, v: Vec<Value>| Value::Array(ty, Some(Box::new(v)));
        for rows in [&agents, &activities] {
            values.push(array(
                ArrayType::Uuid,
                rows.iter().map(|r| Value::from(r.0)).collect(),
            ));
            values.push(array(
                ArrayType::BigInt,
                rows.iter().map(|r| Value::from(r.1)).collect(),
            ));
        }
        values.push(Value::from(tenant.0));
        let (t, ag, ah, cg, ch) = (n + 5, n + 1, n + 2, n + 3, n + 4);
        stmt.sql = format!(
            "WITH s AS ({}), \
             ag AS (INSERT INTO xapi_statement_agents (tenant_id, agent_h, seq) \
               SELECT ${t}::uuid, u.h, s.seq FROM unnest(${ag}::uuid[], ${ah}::bigint[]) \
               AS u(id, h) JOIN s ON s.statement_id = u.id), \
             ac AS (INSERT INTO xapi_statement_activities (tenant_id, activity_h, seq) \
               SELECT ${t}::uuid, u.h, s.seq FROM unnest(${cg}::uuid[], ${ch}::bigint[]) \
               AS u(id, h) JOIN s ON s.statement_id = u.id) \
             SELECT statement_id, seq FROM s",
            stmt.sql
        );
        stmt.values = Some(sea_orm::Values(values));
    }
    let given = c.query_all(stmt).await.db()?;
    let mut inserted = Vec::with_capacity(given.len());
    for r in &given {
        inserted.push((
            r.try_get::<Uuid>("", "statement_id").db()?,
            r.try_get::<i64>("", "seq").db()?,
        ));
    }
    // RETURNING does not promise the order of the VALUES: matched by id.
    let seq_of = |id: Uuid| {
        inserted
            .iter()
            .find(|r| r.0 == id)
            .map(|r| r.1)
            .ok_or_else(|| amphi_core::Error::Internal("statement not returned".into()))
    };
    let mut seqs = Vec::with_capacity(chunk.len());
    for s in chunk {
        seqs.push(seq_of(s.statement_id)?);
    }
    if !pg {
        let mut rows = Vec::with_capacity(agents.len());
        for (id, h) in agents {
            rows.push(xapi_statement_agent::ActiveModel {
                tenant_id: Set(tenant.0),
                agent_h: Set(h),
                seq: Set(seq_of(id)?),
            });
        }
        for part in rows.chunks(ROWS_PER_INSERT) {
            xapi_statement_agent::Entity::insert_many(part.to_vec())
                .exec_without_returning(c)
                .await
                .db()?;
        }
        let mut rows = Vec::with_capacity(activities.len());
        for (id, h) in activities {
            rows.push(xapi_statement_activity::ActiveModel {
                tenant_id: Set(tenant.0),
                activity_h: Set(h),
                seq: Set(seq_of(id)?),
            });
        }
        for part in rows.chunks(ROWS_PER_INSERT) {
            xapi_statement_activity::Entity::insert_many(part.to_vec())
                .exec_without_returning(c)
                .await
                .db()?;
        }
    }
    Ok(seqs)
}

/// What a batch must know of the store before it is written, in one query: the stored
/// statements among `ids` (the batch's own ids, to compare) and `targets` (what it voids),
/// and the stored statements that void one of `ids` (a voiding statement that came first).
pub async fn known_for_batch(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
    targets: &[Uuid],
) -> Result<Vec<xapi_statement::Model>> {
    use xapi_statement::Column as S;
    if ids.is_empty() && targets.is_empty() {
        return Ok(Vec::new());
    }
    let mut any = Condition::any();
    let named: Vec<Uuid> = ids.iter().chain(targets).copied().collect();
    any = any.add(S::StatementId.is_in(named));
    if !ids.is_empty() {
        any = any.add(S::Voids.is_in(ids.iter().copied()));
    }
    xapi_statement::Entity::find()
        .filter(S::TenantId.eq(tenant.0))
        .filter(any)
        .all(c)
        .await
        .db()
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

/// The JSON of the tenant's newest statements (`limit` of each kind, voided or not) whose
/// actor, or whose object, is the agent of `key`: what the store knows of that agent.
pub async fn bodies_naming_agent(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
    limit: u64,
) -> Result<Vec<String>> {
    use xapi_statement::Column as S;
    let h = hash(key);
    let mut out = Vec::new();
    for col in [S::ActorH, S::ObjectAgentH] {
        let bodies: Vec<String> = xapi_statement::Entity::find()
            .select_only()
            .column(S::Body)
            .filter(S::TenantId.eq(tenant.0))
            .filter(col.eq(h))
            .order_by_desc(S::Seq)
            .limit(limit)
            .into_tuple()
            .all(c)
            .await
            .db()?;
        out.extend(bodies);
    }
    Ok(out)
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

impl StatementFilter {
    /// Whether a filter that a statement may meet through its StatementRef is set.
    fn follows_refs(&self) -> bool {
        self.agent.is_some()
            || self.verb.is_some()
            || self.activity.is_some()
            || self.registration.is_some()
    }
}

/// Statements targeted by StatementRefs checked at most in one page, chain after chain.
const REFS_PER_ROUND: u64 = 500;
/// How deep a chain of StatementRefs is followed.
const REF_DEPTH: usize = 10;

/// A page of the tenant's statements that are not voided, matching the filter, in `seq`
/// order (newest first unless `ascending`), after the cursor `after` (a `seq`); `limit`
/// rows at most.
///
/// A statement whose object is a StatementRef also matches when the statement it targets
/// does (directly or through its own StatementRef, Communication 2.1.3 "Filter Conditions
/// for StatementRefs"); `since`, `until`, the cursor and the permission filters (`actor`,
/// `authority`) apply to the statement returned. Those statements are walked in `seq` order
/// through an index of their own (only statements with a StatementRef object are in it), up
/// to where the page of direct matches ends.
pub async fn find_statements(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    f: &StatementFilter,
    after: Option<i64>,
    ascending: bool,
    limit: u64,
) -> Result<Vec<xapi_statement::Model>> {
    use xapi_statement::Column as S;
    let q = window(
        matching(xapi_statement::Entity::find(), tenant, f),
        tenant,
        f,
        after,
        ascending,
    );
    let mut rows = q.limit(limit).all(c).await.db()?;
    if !f.follows_refs() {
        return Ok(rows);
    }
    // Where the page of direct matches ends: targeting statements beyond it cannot be in it.
    let end = if rows.len() as u64 >= limit {
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    let mut found: Vec<i64> = Vec::new();
    let mut cursor = after;
    loop {
        let mut refs = window(
            xapi_statement::Entity::find().filter(S::ObjectStatement.is_not_null()),
            tenant,
            f,
            cursor,
            ascending,
        )
        .select_only()
        .column(S::Seq)
        .column(S::ObjectStatement);
        if let Some(e) = end {
            refs = refs.filter(if ascending {
                S::Seq.lt(e)
            } else {
                S::Seq.gt(e)
            });
        }
        let round: Vec<(i64, Option<Uuid>)> =
            refs.limit(REFS_PER_ROUND).into_tuple().all(c).await.db()?;
        let Some(last) = round.last().map(|r| r.0) else {
            break;
        };
        found.extend(targeting_matches(c, tenant, f, &round).await?);
        if (round.len() as u64) < REFS_PER_ROUND || found.len() as u64 >= limit {
            break;
        }
        cursor = Some(last);
    }
    if found.is_empty() {
        return Ok(rows);
    }
    let have: Vec<i64> = rows.iter().map(|r| r.seq).collect();
    found.retain(|s| !have.contains(s));
    let extra = xapi_statement::Entity::find()
        .filter(S::TenantId.eq(tenant.0))
        .filter(S::Seq.is_in(found))
        .all(c)
        .await
        .db()?;
    rows.extend(extra);
    rows.sort_by_key(|r| r.seq);
    if !ascending {
        rows.reverse();
    }
    rows.truncate(limit as usize);
    Ok(rows)
}

/// Which of the targeting statements `refs` (seq, the statement their StatementRef names)
/// target, directly or along a chain of StatementRefs, a statement matching the filter.
async fn targeting_matches(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    f: &StatementFilter,
    refs: &[(i64, Option<Uuid>)],
) -> Result<Vec<i64>> {
    use xapi_statement::Column as S;
    // (the targeting statement, the statement its chain reached)
    let mut open: Vec<(i64, Uuid)> = refs
        .iter()
        .filter_map(|(seq, t)| t.map(|t| (*seq, t)))
        .collect();
    let mut out = Vec::new();
    for _ in 0..REF_DEPTH {
        if open.is_empty() {
            break;
        }
        let mut targets: Vec<Uuid> = open.iter().map(|o| o.1).collect();
        targets.sort();
        targets.dedup();
        // Voided targets count: a voiding statement is found by what it voided.
        let hits: Vec<Uuid> = matching(xapi_statement::Entity::find(), tenant, f)
            .filter(S::StatementId.is_in(targets.iter().copied()))
            .select_only()
            .column(S::StatementId)
            .into_tuple()
            .all(c)
            .await
            .db()?;
        out.extend(open.iter().filter(|o| hits.contains(&o.1)).map(|o| o.0));
        open.retain(|o| !hits.contains(&o.1));
        // The next link: targets that are themselves StatementRefs.
        let next: Vec<(Uuid, Option<Uuid>)> = xapi_statement::Entity::find()
            .select_only()
            .column(S::StatementId)
            .column(S::ObjectStatement)
            .filter(S::TenantId.eq(tenant.0))
            .filter(S::StatementId.is_in(targets.iter().filter(|t| !hits.contains(t)).copied()))
            .filter(S::ObjectStatement.is_not_null())
            .into_tuple()
            .all(c)
            .await
            .db()?;
        open = open
            .into_iter()
            .filter_map(|(seq, t)| {
                next.iter()
                    .find(|n| n.0 == t)
                    .and_then(|n| n.1)
                    .map(|n| (seq, n))
            })
            .collect();
    }
    Ok(out)
}

/// The tenant's statements meeting the filter's conditions on what a statement says
/// (agent, verb, activity, registration), voided or not.
fn matching(
    mut q: sea_orm::Select<xapi_statement::Entity>,
    tenant: TenantId,
    f: &StatementFilter,
) -> sea_orm::Select<xapi_statement::Entity> {
    use xapi_statement::Column as S;
    q = q.filter(S::TenantId.eq(tenant.0));
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
    if let Some(v) = &f.verb {
        q = q.filter(S::VerbH.eq(hash(v)));
    }
    if let Some(r) = f.registration {
        q = q.filter(S::Registration.eq(r));
    }
    q
}

/// The conditions on the statement returned itself: not voided, the permission filters,
/// `since` / `until`, after the cursor, in `seq` order.
fn window(
    mut q: sea_orm::Select<xapi_statement::Entity>,
    tenant: TenantId,
    f: &StatementFilter,
    after: Option<i64>,
    ascending: bool,
) -> sea_orm::Select<xapi_statement::Entity> {
    use xapi_statement::Column as S;
    q = q
        .filter(S::TenantId.eq(tenant.0))
        .filter(S::Voided.eq(false));
    if let Some(a) = &f.actor {
        q = q.filter(S::ActorH.eq(hash(a)));
    }
    if let Some(a) = &f.authority {
        q = q.filter(S::AuthorityH.eq(hash(a)));
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
    if ascending {
        q.order_by_asc(S::Seq)
    } else {
        q.order_by_desc(S::Seq)
    }
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

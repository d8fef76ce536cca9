//! Assignment and Grade Services 2.0: a tool's line items in a run, each one a column of the
//! run's gradebook (weighted like the others), the scores it posts for learners (an older
//! score never replaces a newer one; a `FullyGraded` score puts its points in the gradebook),
//! and their results. A tool sees only its own line items, in runs that hold one of its items.

use super::services::ServiceCaller;
use super::ToolItem;
use crate::assessment::gradebook::{scheme, updates};
use crate::App;
use amphi_core::course::{CourseRole, EnrolmentStatus, ItemKind};
use amphi_core::lti::{GradingProgress, ToolCompletion};
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{enrolments as repo_e, grades as repo_g, lti as repo, progress, Page};
use amphi_db::rows;
use amphi_lti::ags::{self as wire, LineItemOut, ResultOut};
use amphi_lti::LtiError;
use uuid::Uuid;

/// Why a tool's service request was refused.
#[derive(Debug)]
pub enum ServiceError {
    /// 400: the body or a parameter is wrong.
    Invalid(String),
    /// 409: a newer score is kept.
    Stale,
    /// Any other error (not found, forbidden, internal).
    Other(Error),
}

impl From<Error> for ServiceError {
    fn from(e: Error) -> Self {
        ServiceError::Other(e)
    }
}

impl From<LtiError> for ServiceError {
    fn from(e: LtiError) -> Self {
        ServiceError::Invalid(e.to_string())
    }
}

type Answer<T> = std::result::Result<T, ServiceError>;

fn out(sc: &ServiceCaller, (l, g): &repo::LineItemRow) -> LineItemOut {
    LineItemOut {
        id: sc.urls.line_item(sc.run.id, l.id),
        label: g.title.clone(),
        score_maximum: g.max_points,
        resource_id: l.resource_id.clone(),
        tag: l.tag.clone(),
        resource_link_id: l.item_id.map(|i| i.to_string()),
        start_date_time: l.start_at.map(|t| t.to_rfc3339()),
        end_date_time: l.end_at.map(|t| t.to_rfc3339()),
    }
}

/// Filters of the line item container, as the query string gives them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    /// Only those of this resource link.
    pub resource_link_id: Option<String>,
    /// Only those with this `resourceId`.
    pub resource_id: Option<String>,
    /// Only those with this tag.
    pub tag: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u64>,
    /// Keyset cursor.
    pub after: Option<Uuid>,
}

/// A page of line items and the URL of the next one.
#[derive(Debug)]
pub struct LineItemPage {
    /// The line items.
    pub items: Vec<LineItemOut>,
    /// The next page's URL.
    pub next: Option<String>,
}

/// The tool's line items in the run.
pub async fn list(app: &App, sc: &ServiceCaller, q: ListQuery) -> Answer<LineItemPage> {
    let tenant = TenantId(sc.run.tenant_id);
    let item = match q.resource_link_id.as_deref() {
        Some(r) => Some(Uuid::parse_str(r).map_err(|_| {
            ServiceError::Invalid("resource_link_id is not a resource link of this context".into())
        })?),
        None => None,
    };
    let f = repo::LineItemFilter {
        item,
        resource_id: q.resource_id.clone(),
        tag: q.tag.clone(),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let Page { items, next } = repo::line_items(
        app.db.reader(),
        tenant,
        sc.run.id,
        sc.tool.id,
        &f,
        q.after,
        limit,
    )
    .await?;
    let next = next.map(|after| {
        let mut u = format!(
            "{}?limit={limit}&after={after}",
            sc.urls.line_items(sc.run.id)
        );
        for (k, v) in [
            ("resource_link_id", &q.resource_link_id),
            ("resource_id", &q.resource_id),
            ("tag", &q.tag),
        ] {
            if let Some(v) = v {
                u.push_str(&format!("&{k}={}", urlencode(v)));
            }
        }
        u
    });
    Ok(LineItemPage {
        items: items.iter().map(|r| out(sc, r)).collect(),
        next,
    })
}

fn urlencode(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

async fn one(app: &App, sc: &ServiceCaller, id: Uuid) -> Answer<repo::LineItemRow> {
    let tenant = TenantId(sc.run.tenant_id);
    Ok(
        repo::line_item(app.db.reader(), tenant, sc.run.id, sc.tool.id, id)
            .await?
            .ok_or(Error::NotFound)?,
    )
}

/// One line item.
pub async fn get(app: &App, sc: &ServiceCaller, id: Uuid) -> Answer<LineItemOut> {
    Ok(out(sc, &one(app, sc, id).await?))
}

/// The course item a `resourceLinkId` names: an item of this tool in the run.
async fn resource_link(app: &App, sc: &ServiceCaller, raw: Option<&str>) -> Answer<Option<Uuid>> {
    let Some(raw) = raw else { return Ok(None) };
    let id = Uuid::parse_str(raw).ok();
    let items =
        super::services::tool_items(app, TenantId(sc.run.tenant_id), &sc.run, sc.tool.id).await?;
    match id.filter(|id| items.iter().any(|i| i.id == *id)) {
        Some(id) => Ok(Some(id)),
        None => Err(ServiceError::Invalid(
            "resourceLinkId is not a resource link of this tool in this context".into(),
        )),
    }
}

/// Creates a line item: a new gradebook column of the run.
pub async fn create(app: &App, sc: &ServiceCaller, body: &[u8]) -> Answer<LineItemOut> {
    let li = wire::line_item(body)?;
    let item = resource_link(app, sc, li.resource_link_id.as_deref()).await?;
    let row = insert(app, &sc.run, sc.tool.id, &li, item).await?;
    Ok(out(sc, &row))
}

/// Inserts a line item and its gradebook column; the first line item of a resource link is
/// that item's own column.
pub(crate) async fn insert(
    app: &App,
    run: &rows::CourseRun,
    tool: Uuid,
    li: &wire::LineItemIn,
    item: Option<Uuid>,
) -> Result<repo::LineItemRow> {
    let tenant = TenantId(run.tenant_id);
    let now = app.now();
    let txn = app.db.begin().await?;
    let s = scheme::scheme(&txn, tenant, run.id).await?;
    let own = match item {
        Some(i) if repo_g::item_of(&txn, tenant, i).await?.is_none() => Some(i),
        _ => None,
    };
    let g = rows::GradeItem {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        run_id: run.id,
        item_id: own,
        title: li.label.clone(),
        category: s
            .categories
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_else(|| scheme::DEFAULT_CATEGORY.into()),
        max_points: li.score_maximum,
        weight: 1.0,
        extra_credit: false,
        position: s.items.iter().map(|i| i.position).max().unwrap_or(0) + 1,
        created_at: now,
        updated_at: now,
    };
    repo_g::insert_item(&txn, tenant, g.clone()).await?;
    let l = repo::insert_line_item(
        &txn,
        tenant,
        rows::LtiLineItem {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            run_id: run.id,
            tool_id: tool,
            grade_item_id: g.id,
            item_id: item,
            resource_id: li.resource_id.clone(),
            tag: li.tag.clone(),
            start_at: li.start,
            end_at: li.end,
            created_at: now,
        },
    )
    .await?;
    // A new column changes everyone's course grade (a missing item counts as 0).
    updates::queue_recompute(&txn, tenant, run.id, now).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok((l, g))
}

/// Replaces a line item's label, maximum, tag, resource id and dates.
pub async fn update(app: &App, sc: &ServiceCaller, id: Uuid, body: &[u8]) -> Answer<LineItemOut> {
    let (l, g) = one(app, sc, id).await?;
    let li = wire::line_item(body)?;
    if li
        .resource_link_id
        .as_deref()
        .is_some_and(|r| Some(r.to_owned()) != l.item_id.map(|i| i.to_string()))
    {
        return Err(ServiceError::Invalid("resourceLinkId cannot change".into()));
    }
    let tenant = TenantId(sc.run.tenant_id);
    let now = app.now();
    let txn = app.db.begin().await?;
    let mut l2 = l.clone();
    l2.resource_id = li.resource_id.clone();
    l2.tag = li.tag.clone();
    l2.start_at = li.start;
    l2.end_at = li.end;
    let l2 = repo::update_line_item(&txn, tenant, &l, &l2).await?;
    let g2 = repo_g::set_title_and_max(&txn, tenant, g.clone(), &li.label, li.score_maximum, now)
        .await?;
    if (g.max_points - li.score_maximum).abs() > 1e-9 {
        updates::queue_recompute(&txn, tenant, sc.run.id, now).await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    Ok(out(sc, &(l2, g2)))
}

/// Deletes a line item with its gradebook column and grades.
pub async fn delete(app: &App, sc: &ServiceCaller, id: Uuid) -> Answer<()> {
    let row = one(app, sc, id).await?;
    let tenant = TenantId(sc.run.tenant_id);
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::delete_line_item(&txn, tenant, &row).await?;
    updates::queue_recompute(&txn, tenant, sc.run.id, now).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Records a score a tool posts for a learner of the run.
pub async fn score(app: &App, sc: &ServiceCaller, id: Uuid, body: &[u8]) -> Answer<()> {
    let (l, g) = one(app, sc, id).await?;
    let s = wire::score(body)?;
    let tenant = TenantId(sc.run.tenant_id);
    let user = Uuid::parse_str(&s.user_id)
        .map_err(|_| ServiceError::Invalid("userId is not a learner of this context".into()))?;
    repo_e::of(app.db.reader(), tenant, sc.run.id, user)
        .await?
        .filter(|e| e.role == CourseRole::Learner.as_str())
        .filter(|e| matches!(e.status(), Ok(EnrolmentStatus::Active)))
        .ok_or_else(|| ServiceError::Invalid("userId is not a learner of this context".into()))?;
    let now = app.now();
    let txn = app.db.begin().await?;
    if let Some(prev) = repo::score(&txn, tenant, l.id, user).await? {
        if prev.scored_at > s.timestamp {
            return Err(ServiceError::Stale);
        }
    }
    repo::put_score(
        &txn,
        tenant,
        rows::LtiScore {
            line_item_id: l.id,
            user_id: user,
            tenant_id: tenant.0,
            run_id: sc.run.id,
            score_given: s.given.map(|(g, _)| g),
            score_maximum: s.given.map(|(_, m)| m),
            activity_progress: s.activity.as_str().into(),
            grading_progress: s.grading.as_str().into(),
            comment: s.comment.clone(),
            scored_at: s.timestamp,
            updated_at: now,
        },
    )
    .await?;
    if s.grading != GradingProgress::FullyGraded {
        txn.commit().await.map_err(Error::internal)?;
        return Ok(());
    }
    // Points on the column's scale.
    let points = s.given.map(|(given, max)| given / max * g.max_points);
    let completed = match l.item_id {
        Some(item) => completion(app, &txn, sc, item, user, points, g.max_points).await?,
        None => None,
    };
    let p = updates::ColumnPoints {
        tenant,
        run: sc.run.id,
        grade_item: g.id,
        user,
        points,
        completed,
    };
    updates::record_points(app, txn, p).await?;
    Ok(())
}

/// The item completed by this score, as its completion rule says (newly: counted once).
async fn completion(
    app: &App,
    txn: &amphi_db::Tx,
    sc: &ServiceCaller,
    item: Uuid,
    user: Uuid,
    points: Option<f64>,
    max: f64,
) -> Result<Option<(Uuid, i64)>> {
    let tenant = TenantId(sc.run.tenant_id);
    let Some(it) = crate::courses::learn::cached_item(app, tenant, &sc.run, item).await? else {
        return Ok(None);
    };
    if it.kind().ok() != Some(ItemKind::Tool) {
        return Ok(None);
    }
    let Some(ti) = ToolItem::of(&it.settings) else {
        return Ok(None);
    };
    let done = match ti.completion {
        ToolCompletion::Launch => false,
        ToolCompletion::Score => points.is_some(),
        ToolCompletion::Pass => {
            let pass = scheme::scheme(txn, tenant, sc.run.id).await?.pass_percent;
            points.is_some_and(|p| p / max * 100.0 + 1e-9 >= pass)
        }
    };
    if done
        && progress::mark_completed(txn, tenant, sc.run.id, item, user, app.now()).await?
        && it.published
    {
        return Ok(Some((item, sc.run.item_count)));
    }
    Ok(None)
}

/// Results of a line item (one learner's with `user_id`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ResultQuery {
    /// Only this learner's.
    pub user_id: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u64>,
    /// Keyset cursor.
    pub after: Option<Uuid>,
}

/// A page of results and the URL of the next one.
#[derive(Debug)]
pub struct ResultPage {
    /// The results.
    pub items: Vec<ResultOut>,
    /// The next page's URL.
    pub next: Option<String>,
}

/// A line item's results.
pub async fn results(
    app: &App,
    sc: &ServiceCaller,
    id: Uuid,
    q: ResultQuery,
) -> Answer<ResultPage> {
    let (l, _) = one(app, sc, id).await?;
    let tenant = TenantId(sc.run.tenant_id);
    let user = match q.user_id.as_deref() {
        Some(u) => Some(
            Uuid::parse_str(u)
                .map_err(|_| ServiceError::Invalid("user_id is not a user".into()))?,
        ),
        None => None,
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let page = repo::scores(app.db.reader(), tenant, l.id, user, q.after, limit).await?;
    let li_url = sc.urls.line_item(sc.run.id, l.id);
    let items = page
        .items
        .into_iter()
        .map(|s| ResultOut {
            id: format!("{li_url}/results/{}", s.user_id),
            score_of: li_url.clone(),
            user_id: s.user_id.to_string(),
            result_score: s.score_given,
            result_maximum: s.score_maximum,
            comment: s.comment,
        })
        .collect();
    let next = page
        .next
        .map(|a| format!("{li_url}/results?limit={limit}&after={a}"));
    Ok(ResultPage { items, next })
}

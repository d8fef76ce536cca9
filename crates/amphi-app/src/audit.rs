//! The audit trail as tenant administrators read it: searchable, filterable, exportable.
//! Nobody can change or delete an event: there is no use case for it.

use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::{Error, Result};
use amphi_db::repo::{audit, Page};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Filters as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AuditFilters {
    /// Words in the action, the target or the address.
    pub q: Option<String>,
    /// Kind of event: `sign_in`, `password`, `user`, `api_token`, `enrolment`, `tenant`, `course` …
    pub action: Option<String>,
    /// From this date (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Up to this date, included (`YYYY-MM-DD`, UTC).
    pub to: Option<String>,
    /// Cursor from the previous page.
    pub before: Option<Uuid>,
}

/// One event.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Id.
    pub id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// What (`sign_in.failure`, `user.role_changed`, …).
    pub action: String,
    /// Who did it (user id), if known.
    pub actor: Option<Uuid>,
    /// What it was done to.
    pub target: Option<String>,
    /// From which address.
    pub ip: Option<String>,
    /// Extra facts.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

fn day(field: &str, raw: Option<&str>, end: bool) -> Result<Option<DateTime<Utc>>> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::field(field, codes::DATE_INVALID))?;
    let d = if end { d.succ_opt().unwrap_or(d) } else { d };
    Ok(d.and_hms_opt(0, 0, 0).map(|n| n.and_utc()))
}

/// A page of the tenant's audit trail (tenant administrators).
pub async fn list(
    app: &App,
    caller: &Caller,
    f: &AuditFilters,
    limit: u64,
) -> Result<Page<AuditEntry>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    require(&user.actor(), Action::Update, Resource::Tenant(tenant))?;
    let q = audit::Query {
        search: f.q.clone(),
        action_prefix: f.action.clone(),
        from: day("from", f.from.as_deref(), false)?,
        to: day("to", f.to.as_deref(), true)?,
    };
    let page = audit::list(app.db.reader(), tenant, &q, f.before, limit.clamp(1, 1000)).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|e| AuditEntry {
                id: e.id,
                at: e.created_at,
                action: e.action,
                actor: e.actor_user_id,
                target: e.target,
                ip: e.ip,
                detail: serde_json::from_str(&e.detail).unwrap_or_default(),
            })
            .collect(),
        next: page.next,
    })
}

/// The CSV header of the export.
pub const CSV_HEADER: &str = "at,action,actor,target,ip,detail\n";

/// One page of the export as CSV lines and the cursor of the next.
pub async fn export_page(
    app: &App,
    caller: &Caller,
    f: &AuditFilters,
) -> Result<(String, Option<Uuid>)> {
    let page = list(app, caller, f, 1000).await?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for e in &page.items {
        w.write_record([
            e.at.to_rfc3339(),
            e.action.clone(),
            e.actor.map(|a| a.to_string()).unwrap_or_default(),
            crate::courses::learners::csv_safe(e.target.as_deref().unwrap_or("")),
            e.ip.clone().unwrap_or_default(),
            crate::courses::learners::csv_safe(&e.detail.to_string()),
        ])
        .map_err(Error::internal)?;
    }
    let bytes = w.into_inner().map_err(Error::internal)?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), page.next))
}

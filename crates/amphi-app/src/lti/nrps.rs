//! Names and Role Provisioning Services 2.0: the members of a run (context), with their LIS
//! roles and status, names and email only when the tool's privacy settings allow; a `role`
//! filter; keyset pages (one indexed query per page whatever the size of the run) linked by
//! `Link: <url>; rel="next"`, and the differences link (`since`: the members whose enrolment
//! changed after that time, removed ones as `Deleted`).

use super::services::ServiceCaller;
use crate::App;
use amphi_core::course::{CourseRole, EnrolmentStatus};
use amphi_core::lti::{membership_roles, role_filter};
use amphi_core::{Result, TenantId};
use amphi_db::repo::enrolments::{learners, LearnerQuery};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// The query string of a membership request.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MembersQuery {
    /// Only members with this role (URI or short name, any case).
    pub role: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u64>,
    /// Keyset cursor.
    pub after: Option<Uuid>,
    /// Only the changes after this time (Unix seconds): the differences link.
    pub since: Option<i64>,
}

/// A page of the membership container.
#[derive(Debug, Clone, Serialize)]
pub struct MembersPage {
    /// The container as served.
    pub body: Value,
    /// The next page's URL.
    #[serde(skip)]
    pub next: Option<String>,
    /// The URL of what changes from now on (the differences link).
    #[serde(skip)]
    pub differences: String,
}

/// One page of the run's members.
pub async fn members(app: &App, sc: &ServiceCaller, q: MembersQuery) -> Result<MembersPage> {
    let tenant = TenantId(sc.run.tenant_id);
    let role = match q.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        // An unknown role has no members.
        Some(r) => match role_filter(r) {
            Some(cr) => Some(cr),
            None => {
                return Ok(MembersPage {
                    body: container(app, sc, vec![]).await?,
                    next: None,
                    differences: differences(app, sc),
                })
            }
        },
        None => None,
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let since = q.since.and_then(|s| chrono::DateTime::from_timestamp(s, 0));
    let page = learners(
        app.db.reader(),
        tenant,
        sc.run.id,
        &LearnerQuery {
            role: role.map(|r| r.as_str().to_owned()),
            changed_since: since,
            ..LearnerQuery::default()
        },
        q.after,
        limit,
    )
    .await?;
    let t = &sc.tool;
    let members = page
        .items
        .iter()
        .filter_map(|m| {
            let r = m.role.parse::<CourseRole>().ok()?;
            let status = match m.status() {
                Ok(EnrolmentStatus::Active) => "Active",
                Ok(EnrolmentStatus::Removed) => "Deleted",
                _ => "Inactive",
            };
            let mut v = json!({
                "user_id": m.user_id.to_string(),
                "status": status,
                "roles": membership_roles(r),
                "lis_person_sourcedid": m.user_id.to_string(),
            });
            if t.send_name {
                let (given, family) = super::split_name(&m.name);
                v["name"] = json!(m.name);
                v["given_name"] = json!(given);
                v["family_name"] = json!(family);
            }
            if t.send_email {
                v["email"] = json!(m.email);
            }
            Some(v)
        })
        .collect();
    // Lowercase only: some tools lowercase the whole Link header before reading it.
    let next = page.next.map(|after| {
        let mut u = format!(
            "{}?limit={limit}&after={after}",
            sc.urls.memberships(sc.run.id)
        );
        if let Some(r) = role {
            u.push_str(&format!("&role={}", r.as_str()));
        }
        if let Some(s) = q.since {
            u.push_str(&format!("&since={s}"));
        }
        u
    });
    Ok(MembersPage {
        body: container(app, sc, members).await?,
        next,
        differences: differences(app, sc),
    })
}

/// What changes from now on: members whose enrolment changes after this request (a second
/// back, so that nothing written in this second is missed).
fn differences(app: &App, sc: &ServiceCaller) -> String {
    format!(
        "{}?since={}",
        sc.urls.memberships(sc.run.id),
        app.now().timestamp() - 1
    )
}

async fn container(app: &App, sc: &ServiceCaller, members: Vec<Value>) -> Result<Value> {
    let course = crate::courses::learn::structure_of(app, TenantId(sc.run.tenant_id), &sc.run)
        .await?
        .course
        .clone();
    Ok(json!({
        "id": sc.urls.memberships(sc.run.id),
        "context": {"id": sc.run.id.to_string(), "label": course.code, "title": course.title},
        "members": members,
    }))
}

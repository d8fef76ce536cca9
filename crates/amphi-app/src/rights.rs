//! What a signed-in person may reach from the site's menu and the administration pages: the
//! permission policy's answers, asked here so that amphi-web makes no permission decision of
//! its own (what a run's pages show or hide is `courses::rights`).

use crate::sessions::SessionUser;
use crate::{App, Caller};
use amphi_core::policy::{can, require, Action, Resource};
use amphi_core::{Result, TenantId, UserId};
use amphi_db::repo::enrolments as repo_e;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::RwLock;

/// The entries of the site's menu a person may use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Menu {
    /// Teaching: those who may create courses, and anyone on a course team.
    pub teach: bool,
    /// Administration of this site (its people, settings, sign-in methods and audit trail).
    pub admin: bool,
    /// Administration of every site (platform administrators).
    pub platform: bool,
    /// The site's external tools (LTI): those who may change the site, as the tools' use
    /// cases require.
    pub lti_tools: bool,
    /// The site's LRS clients (xAPI): those who may change the site, as the clients' use
    /// cases require.
    pub lrs_clients: bool,
}

/// The menu of a signed-in person on the site of `tenant`. Whether they are on a course team is
/// read at most once a minute per person and node ([`TeamCache`]), so that a page pays no query
/// for it.
pub async fn menu(app: &App, tenant: TenantId, su: &SessionUser) -> Result<Menu> {
    let actor = su.user.actor();
    let teach = can(&actor, Action::Create, Resource::Courses(tenant))
        || app.team_cache.on_a_team(app, tenant, su.user.id).await?;
    Ok(Menu {
        teach,
        admin: can(&actor, Action::View, Resource::Tenant(tenant)),
        platform: can(&actor, Action::List, Resource::Platform),
        lti_tools: can(&actor, Action::Update, Resource::Tenant(tenant)),
        lrs_clients: can(&actor, Action::Update, Resource::Tenant(tenant)),
    })
}

/// Refuses unless the caller administers the site (its administration home).
pub fn require_site_admin(caller: &Caller) -> Result<()> {
    require(
        &caller.actor(),
        Action::View,
        Resource::Tenant(caller.tenant),
    )
}

/// Refuses unless the caller administers the platform (the form of a new client site).
pub fn require_platform_admin(caller: &Caller) -> Result<()> {
    require(&caller.actor(), Action::Create, Resource::Platform)
}

/// Whether the caller administers the site (offered the `admin` scope for API tokens).
pub fn may_administer_site(caller: &Caller) -> bool {
    can(
        &caller.actor(),
        Action::View,
        Resource::Tenant(caller.tenant),
    )
}

/// How long this node trusts what it read of a person's course-team places.
const TEAM_TTL_SECONDS: i64 = 60;

/// Whether people are on a course team, as this node last read it. A change of roles made
/// through this node is seen at once ([`TeamCache::forget`]); one made through another node,
/// within a minute. Emptied when 100,000 people are held (a safety net, not an eviction policy).
#[derive(Debug, Default)]
pub struct TeamCache {
    map: RwLock<HashMap<(TenantId, UserId), TeamEntry>>,
}

/// Whether the person is on a course team, and when that was read.
type TeamEntry = (bool, DateTime<Utc>);

impl TeamCache {
    async fn on_a_team(&self, app: &App, tenant: TenantId, user: UserId) -> Result<bool> {
        let now = app.now();
        let held = self
            .map
            .read()
            .ok()
            .and_then(|m| m.get(&(tenant, user)).copied());
        if let Some((v, at)) = held {
            if now - at < Duration::seconds(TEAM_TTL_SECONDS) {
                return Ok(v);
            }
        }
        let v = repo_e::on_a_course_team(app.db.reader(), tenant, user.0).await?;
        if let Ok(mut m) = self.map.write() {
            if m.len() >= 100_000 {
                m.clear();
            }
            m.insert((tenant, user), (v, now));
        }
        Ok(v)
    }

    /// Forgets what was read of a person, after their roles changed.
    pub fn forget(&self, tenant: TenantId, user: UserId) {
        if let Ok(mut m) = self.map.write() {
            m.remove(&(tenant, user));
        }
    }
}

//! The administrator's first-run checklist: what a new site still needs, each step ticked
//! from the site's real state (never from a "done" button).

use crate::tenants::Tenant;
use crate::{App, Caller};
use amphi_core::policy::{require, Action, Resource};
use amphi_core::tenant::SignupPolicy;
use amphi_core::{Error, Result};
use amphi_db::repo::{courses, identity, tenants as repo_t};
use serde::Serialize;

/// The brand colour a new site starts with.
const DEFAULT_COLOUR: &str = "#1d4ed8";

/// One step of the checklist.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Step {
    /// `branding`, `sign_in`, `course`, `mail`.
    pub key: &'static str,
    /// Whether the site's state shows the step done.
    pub done: bool,
    /// Where to do it; None when it is done outside the site (the mail server is set in the
    /// configuration file).
    pub link: Option<&'static str>,
}

/// The checklist of the caller's site (its administrators only).
pub async fn checklist(app: &App, caller: &Caller) -> Result<Vec<Step>> {
    require(
        &caller.actor(),
        Action::Update,
        Resource::Tenant(caller.tenant),
    )?;
    let db = app.db.reader();
    let tenant: Tenant = repo_t::by_id(db, caller.tenant)
        .await?
        .map(Tenant::from)
        .ok_or(Error::NotFound)?;
    let branding = tenant.logo_url.as_deref().is_some_and(|l| !l.is_empty())
        || !tenant.primary_colour.eq_ignore_ascii_case(DEFAULT_COLOUR);
    let providers = identity::providers(db, tenant.id, true).await?;
    // A provider to sign in with, or a deliberate sign-up policy other than the default.
    let sign_in = !providers.is_empty() || tenant.signup_policy != SignupPolicy::Open;
    let course = !courses::all(db, tenant.id, None, 1).await?.items.is_empty();
    let mail = app.config.mail.smtp_url.is_some();
    Ok(vec![
        Step {
            key: "branding",
            done: branding,
            link: Some("/admin/site"),
        },
        Step {
            key: "sign_in",
            done: sign_in,
            link: Some("/admin/identity-providers"),
        },
        Step {
            key: "course",
            done: course,
            link: Some("/teach/courses/new"),
        },
        Step {
            key: "mail",
            done: mail,
            link: None,
        },
    ])
}

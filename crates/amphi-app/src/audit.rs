//! The audit trail as tenant administrators read it: searchable, filterable, exportable.
//! Nobody can change or delete an event: there is no use case for it.

use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::validate::Locale;
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

/// Every action the trail records, each with a name in both languages
/// (`audit-action-<action with dashes>`; a test holds the code to this list).
pub const ACTIONS: &[&str] = &[
    "account.created_by_sso",
    "account.email_verified",
    "account.signed_up",
    "announcement.posted",
    "api_token.created",
    "api_token.revoked",
    "certificate.issued",
    "certificate.reissued",
    "certificate.revoked",
    "certificate.run_settings",
    "certificate.template_changed",
    "course.created",
    "course_run.created",
    "course_run.new_edition",
    "enrolment.created",
    "enrolment.import_applied_valid",
    "enrolment.import_done",
    "enrolment.import_started",
    "enrolment.invited",
    "enrolment.refused",
    "enrolment.removed",
    "enrolment.role_set",
    "grade.override",
    "grade.override_total",
    "gradebook.scheme",
    "identity.linked",
    "identity_provider.created",
    "lti.deep_link_created",
    "lti.deep_link_refused",
    "lti.key_rotated",
    "lti.launch_refused",
    "lti.token_refused",
    "lti.tool_created",
    "lti.tool_deleted",
    "lti.tool_disabled",
    "lti.tool_enabled",
    "lti.tool_updated",
    "identity_provider.deleted",
    "identity_provider.disabled",
    "identity_provider.enabled",
    "identity_provider.updated",
    "mfa.disabled",
    "mfa.enabled",
    "package.attempts_reset",
    "package.au_waived",
    "package.uploaded",
    "password.changed",
    "password.reset",
    "password.reset_requested",
    "platform.admin_created",
    "question_bank.imported",
    "session.logout_refused",
    "session.signed_out_by_idp",
    "session.signed_out_everywhere",
    "shop.order",
    "shop.webhook_refused",
    "sign_in.failure",
    "sign_in.success",
    "tenant.created",
    "tenant.updated",
    "user.created",
    "user.deactivated",
    "user.invited",
    "user.reactivated",
    "user.role_changed",
    "voucher.batch_created",
    "xapi.client_created",
    "xapi.client_deleted",
    "xapi.client_disabled",
    "xapi.client_enabled",
];
/// The kinds of action the audit page filters by (action prefixes), each named in both
/// languages (`audit-kind-<kind>`).
pub const KINDS: &[&str] = &[
    "sign_in",
    "identity_provider",
    "identity",
    "lti",
    "session",
    "password",
    "account",
    "user",
    "api_token",
    "enrolment",
    "tenant",
    "course",
    "shop",
    "announcement",
    "platform",
    "certificate",
    "grade",
    "question_bank",
    "package",
    "mfa",
    "voucher",
    "xapi",
];

/// An action as a person reads it, in their language ("Sign-in failed" for
/// `sign_in.failure`); an action without a name shows its code.
pub fn action_name(locale: Locale, action: &str) -> String {
    let key = format!("audit-action-{}", action.replace('.', "-"));
    if ACTIONS.contains(&action) {
        crate::i18n::t(locale, &key)
    } else {
        action.to_owned()
    }
}

/// The CSV header of the export: the action's name in the reader's language, then its
/// stable code for scripts.
pub const CSV_HEADER: &str = "at,action,action_code,actor,target,ip,detail\n";

/// One page of the export as CSV lines and the cursor of the next.
pub async fn export_page(
    app: &App,
    caller: &Caller,
    f: &AuditFilters,
    locale: Locale,
) -> Result<(String, Option<Uuid>)> {
    let page = list(app, caller, f, 1000).await?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for e in &page.items {
        w.write_record([
            e.at.to_rfc3339(),
            action_name(locale, &e.action),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `Event::new("…")` of the code, and the actions chosen at run time.
    fn recorded_actions() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs")
                    // This file names the pattern it looks for.
                    && !p.ends_with("audit.rs")
                {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    for part in text.split("Event::new(").skip(1) {
                        let part = part.trim_start();
                        if let Some(rest) = part.strip_prefix('"') {
                            out.extend(rest.split('"').next().map(str::to_owned));
                        }
                    }
                    // Actions picked before the event (`let action = if … { "user.reactivated" }`):
                    // every "<kind>.<word>" literal of a file that records events.
                    if text.contains("Event::new(") {
                        for lit in text.split('"').skip(1).step_by(2) {
                            let action_like = lit.split_once('.').is_some_and(|(k, w)| {
                                KINDS.contains(&k)
                                    && !w.is_empty()
                                    && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                            });
                            if action_like {
                                out.push(lit.to_owned());
                            }
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_recorded_action_has_a_name_in_both_languages() {
        let mut unnamed = Vec::new();
        for a in recorded_actions() {
            if !ACTIONS.contains(&a.as_str()) {
                unnamed.push(a);
            }
        }
        assert!(
            unnamed.is_empty(),
            "actions missing from ACTIONS: {unnamed:?}"
        );
        for a in ACTIONS {
            for l in Locale::ALL {
                let key = format!("audit-action-{}", a.replace('.', "-"));
                assert!(crate::i18n::has(l, &key), "{key} in {}", l.tag());
            }
        }
        for k in KINDS {
            for l in Locale::ALL {
                assert!(crate::i18n::has(l, &format!("audit-kind-{k}")), "{k}");
            }
        }
        assert_eq!(action_name(Locale::En, "sign_in.failure"), "Sign-in failed");
        assert_eq!(
            action_name(Locale::Fr, "sign_in.failure"),
            "Échec de connexion"
        );
        assert_eq!(action_name(Locale::Fr, "something.new"), "something.new");
    }
}

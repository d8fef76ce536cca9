//! The course team waives an AU for a learner (they showed the skill elsewhere, took an
//! equivalent activity, or for an administrative reason): the LMS states `waived` with the
//! reason in a session of its own, the AU counts as satisfied, and what that satisfies (its
//! blocks, the course, the item) follows. Once per AU and registration, never for an AU
//! already satisfied.

use super::progress::{self, Change, Registration};
use super::statements::{self as lms, About};
use super::{state, AuState};
use crate::packages::Structure;
use crate::xapi::{self, learner_agent, Authority};
use crate::{courses, App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::policy::Action;
use amphi_core::{codes, Error, ItemId, Result, RunId, UserId};
use amphi_db::repo::{cmi5 as repo, packages as repo_p, structure};
use amphi_db::rows;
use amphi_interop::package::{first_text, Cmi5Course};
use serde::Serialize;
use uuid::Uuid;

/// The reasons cmi5 suggests (9.5.5.2), as stated in the `waived` statement.
pub const REASONS: [&str; 4] = [
    "Tested Out",
    "Equivalent AU",
    "Equivalent Outside Activity",
    "Administrative",
];

/// An AU of a learner's attempt, as the course team sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuLine {
    /// The AU's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// `not_started`, `started`, `completed`, `passed`, `failed` or `waived`.
    pub status: &'static str,
    /// Whether it meets its `moveOn` criteria.
    pub satisfied: bool,
    /// The reason it was waived.
    pub waived: Option<String>,
}

struct Attempt {
    run: rows::CourseRun,
    attempt: rows::PackageAttempt,
    package: rows::Package,
    course: Cmi5Course,
}

async fn attempt_of(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    attempt: Uuid,
    action: Action,
) -> Result<Option<Attempt>> {
    let access = courses::access_for(app, caller, run.0, action).await?;
    structure::item(app.db.reader(), caller.tenant, run.0, item.0)
        .await?
        .filter(|i| i.kind().ok() == Some(ItemKind::Package))
        .ok_or(Error::NotFound)?;
    let a = repo_p::attempt(app.db.reader(), caller.tenant, attempt)
        .await?
        .filter(|a| a.item_id == item.0 && a.run_id == run.0)
        .ok_or(Error::NotFound)?;
    let p = repo_p::package(app.db.reader(), caller.tenant, a.package_id)
        .await?
        .ok_or(Error::NotFound)?;
    let Some(course) = Structure::of(&p)?.cmi5 else {
        return Ok(None);
    };
    Ok(Some(Attempt {
        run: access.run,
        attempt: a,
        package: p,
        course,
    }))
}

/// The AUs of a cmi5 attempt (none when the attempt's package is not a cmi5 course).
pub async fn units(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    attempt: Uuid,
) -> Result<Option<Vec<AuLine>>> {
    let Some(a) = attempt_of(app, caller, run, item, attempt, Action::List).await? else {
        return Ok(None);
    };
    let scos = repo_p::scos(app.db.reader(), caller.tenant, a.attempt.id).await?;
    Ok(Some(
        a.course
            .aus()
            .into_iter()
            .map(|au| {
                let row = scos.iter().find(|s| s.sco == au.id);
                let st = AuState::of(row);
                AuLine {
                    id: au.id.clone(),
                    title: first_text(&au.title),
                    status: super::launch::status_of(&st, row),
                    satisfied: st.satisfied(au.move_on),
                    waived: st.waived,
                }
            })
            .collect(),
    ))
}

/// Waives an AU of a learner's attempt (the course team, in a run that has not ended).
pub async fn waive(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    attempt: Uuid,
    au_id: &str,
    reason: &str,
) -> Result<()> {
    if !REASONS.contains(&reason) {
        return Err(Error::field("reason", codes::CHOICE_INVALID));
    }
    let a = attempt_of(app, caller, run, item, attempt, Action::Grade)
        .await?
        .ok_or(Error::NotFound)?;
    courses::writable(&a.run, app.now())?;
    let au = a
        .course
        .aus()
        .into_iter()
        .find(|x| x.id == au_id)
        .ok_or_else(|| Error::field("au", codes::CHOICE_INVALID))?
        .clone();
    let tenant = caller.tenant;
    let row = repo_p::sco(app.db.writer(), tenant, attempt, &au.id).await?;
    if AuState::of(row.as_ref()).satisfied(au.move_on) {
        return Err(Error::Conflict(codes::PACKAGE_AU_SATISFIED));
    }
    let origin = caller.meta.base_url.clone();
    let actor = learner_agent(&origin, UserId(a.attempt.user_id));
    let change = Change {
        waived: Some(reason.to_owned()),
        ..Change::default()
    };
    // The row moves only if it is as read: a waiver and the AU's own `passed` cannot both count.
    progress::change_au_if(app, tenant, attempt, &au.id, row.as_ref(), &change)
        .await?
        .ok_or(Error::Conflict(codes::PACKAGE_CONFLICT))?;
    let now = app.now();
    let session = Uuid::now_v7();
    repo::insert_session(
        app.db.writer(),
        tenant,
        rows::Cmi5Session {
            id: session,
            tenant_id: tenant.0,
            registration: attempt,
            attempt_id: Some(attempt),
            item_id: item.0,
            user_id: a.attempt.user_id,
            package_id: a.package.id,
            au: au.id.clone(),
            launch_mode: super::Mode::Normal.as_str().into(),
            state: state::WAIVED.into(),
            revision: 0,
            fetched: true,
            launched_at: now,
            last_at: now,
            ended_at: Some(now),
        },
    )
    .await?;
    let about = About {
        actor: &actor,
        origin: &origin,
        item: item.0,
        registration: attempt,
        session,
        at: now,
    };
    xapi::record(
        app,
        tenant,
        lms::waived(&about, &au, reason),
        Authority::platform(&origin),
    )
    .await?;
    amphi_db::repo::audit::Event::new("package.au_waived", tenant)
        .actor(caller.user.id)
        .target(item.0.to_string())
        .ip(caller.meta.ip.clone())
        .detail(serde_json::json!({
            "run": run.0, "attempt": attempt, "learner": a.attempt.user_id,
            "au": au.id, "reason": reason,
        }))
        .record(app.db.writer(), now)
        .await?;
    let r = Registration {
        tenant,
        actor: &actor,
        origin: &origin,
        attempt,
        item: item.0,
        run: run.0,
        course: &a.course,
    };
    let before = AuState::of(row.as_ref());
    progress::settle(app, &r, &au.id, &before, session).await?;
    Ok(())
}

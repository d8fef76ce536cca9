//! An AU's state in a registration moves (a `completed`, `passed` or `failed` accepted, a
//! session's time, a waiver): the AU's row changes over its revision, the LMS states in the
//! LRS which blocks and whether the course became satisfied, and the attempt rolls up into the
//! item's progress and grade.

use super::rules::Score;
use super::statements::{self as lms, About};
use super::{course_satisfied, newly_satisfied, AuState};
use crate::packages::cmi::{completion, success};
use crate::packages::rollup::{self, Outcome};
use crate::packages::PackageItem;
use crate::xapi::{self, Authority};
use crate::App;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{packages as repo, structure as repo_s};
use amphi_db::rows;
use amphi_interop::package::{Cmi5Au, Cmi5Course};
use uuid::Uuid;

/// What happened to an AU.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    /// `completed` accepted.
    pub completed: bool,
    /// `passed` accepted, with its score.
    pub passed: Option<Score>,
    /// `failed` accepted, with its score.
    pub failed: Option<Score>,
    /// Seconds of a session that ended.
    pub seconds: i64,
    /// Waived, with the reason.
    pub waived: Option<String>,
    /// First launch (the row exists from then on).
    pub launched: bool,
}

impl Change {
    /// Whether this changes anything.
    pub fn is_empty(&self) -> bool {
        *self == Change::default()
    }
}

/// The registration an AU belongs to, as the LMS statements and the rollup need it.
pub struct Registration<'a> {
    /// Tenant.
    pub tenant: TenantId,
    /// The learner's agent.
    pub actor: &'a serde_json::Value,
    /// The Amphi origin of activity ids.
    pub origin: &'a str,
    /// The attempt (the registration).
    pub attempt: Uuid,
    /// The package item.
    pub item: Uuid,
    /// The run.
    pub run: Uuid,
    /// Its cmi5 course.
    pub course: &'a Cmi5Course,
}

fn new_row(
    attempt: Uuid,
    au: &str,
    tenant: TenantId,
    now: chrono::DateTime<chrono::Utc>,
) -> rows::PackageSco {
    rows::PackageSco {
        attempt_id: attempt,
        sco: au.to_owned(),
        tenant_id: tenant.0,
        revision: 0,
        cmi: "{}".into(),
        completion: completion::INCOMPLETE.into(),
        success: success::UNKNOWN.into(),
        score_scaled: None,
        score_raw: None,
        score_min: None,
        score_max: None,
        base_seconds: 0,
        session_seconds: 0,
        updated_at: now,
    }
}

fn apply(row: &mut rows::PackageSco, c: &Change) {
    let mut st = AuState::of(Some(row));
    let set_score = |row: &mut rows::PackageSco, s: &Score| {
        row.score_scaled = s.scaled().map(|v| v.clamp(-1.0, 1.0));
        row.score_raw = s.raw;
        row.score_min = s.min;
        row.score_max = s.max;
    };
    if c.completed {
        row.completion = completion::COMPLETED.into();
    }
    if let Some(s) = &c.failed {
        if !st.passed {
            row.success = success::FAILED.into();
            set_score(row, s);
        }
    }
    if let Some(s) = &c.passed {
        row.success = success::PASSED.into();
        set_score(row, s);
    }
    if let Some(r) = &c.waived {
        st.waived = Some(r.clone());
        row.cmi = st.extra();
    }
    row.base_seconds += c.seconds.max(0);
}

/// Applies a change to an AU's row if it is still `read` (none: no row yet); the row written,
/// or none when it moved meanwhile.
pub async fn change_au_if(
    app: &App,
    tenant: TenantId,
    attempt: Uuid,
    au: &str,
    read: Option<&rows::PackageSco>,
    c: &Change,
) -> Result<Option<rows::PackageSco>> {
    let now = app.now();
    let mut row = read
        .cloned()
        .unwrap_or_else(|| new_row(attempt, au, tenant, now));
    apply(&mut row, c);
    row.updated_at = now;
    let saved = match read {
        None => match repo::insert_sco(app.db.writer(), tenant, row.clone()).await {
            Ok(_) => true,
            Err(Error::Conflict(_)) => false,
            Err(e) => return Err(e),
        },
        Some(old) => {
            row.revision = old.revision + 1;
            repo::commit_sco(app.db.writer(), tenant, &row, old.revision).await?
        }
    };
    Ok(saved.then_some(row))
}

/// Puts an AU's row back as it was before `written` (a batch whose statements could not be
/// stored after all); best effort.
pub async fn restore_au(
    app: &App,
    tenant: TenantId,
    was: Option<&rows::PackageSco>,
    written: &rows::PackageSco,
) {
    let r = match was {
        Some(old) => {
            let mut back = old.clone();
            back.revision = written.revision + 1;
            repo::commit_sco(app.db.writer(), tenant, &back, written.revision)
                .await
                .map(|_| ())
        }
        None => repo::delete_sco(app.db.writer(), tenant, written.attempt_id, &written.sco).await,
    };
    if let Err(e) = r {
        tracing::warn!(error = %e, "cmi5: an AU's state could not be put back");
    }
}

/// Applies a change to an AU's row (created on its first change), over its revision; the
/// AU's state before and after.
pub async fn change_au(
    app: &App,
    tenant: TenantId,
    attempt: Uuid,
    au: &str,
    c: &Change,
) -> Result<(AuState, AuState)> {
    for _ in 0..8 {
        let stored = repo::sco(app.db.writer(), tenant, attempt, au).await?;
        if let Some(row) = change_au_if(app, tenant, attempt, au, stored.as_ref(), c).await? {
            return Ok((AuState::of(stored.as_ref()), AuState::of(Some(&row))));
        }
    }
    Err(Error::Conflict(amphi_core::codes::PACKAGE_CONFLICT))
}

/// The attempt's result from its AUs: completed when the course is satisfied; failed when an
/// AU failed (and has not passed); passed when the course is satisfied and an AU passed; the
/// mean of the AUs' scores.
pub fn outcome(course: &Cmi5Course, scos: &[rows::PackageSco]) -> Outcome {
    let state = |id: &str| AuState::of(scos.iter().find(|s| s.sco == id));
    let satisfied = course_satisfied(course, &|a: &Cmi5Au| state(&a.id).satisfied(a.move_on));
    let aus = course.aus();
    let states: Vec<AuState> = aus.iter().map(|a| state(&a.id)).collect();
    let success = if states.iter().any(|s| s.failed) {
        success::FAILED
    } else if satisfied && states.iter().any(|s| s.passed) {
        success::PASSED
    } else {
        success::UNKNOWN
    };
    let completion = if satisfied {
        completion::COMPLETED
    } else if scos
        .iter()
        .any(|s| s.completion != completion::NOT_ATTEMPTED)
    {
        completion::INCOMPLETE
    } else {
        completion::NOT_ATTEMPTED
    };
    let scores: Vec<f64> = aus
        .iter()
        .filter_map(|a| {
            scos.iter()
                .find(|s| s.sco == a.id)
                .and_then(|s| s.score_scaled)
        })
        .collect();
    Outcome {
        completion,
        success,
        scaled: (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64),
        seconds: scos.iter().map(|s| s.base_seconds).sum(),
    }
}

/// After an AU's state moved from `before` to what is stored now (in `session`): the
/// `satisfied` statements for the blocks and the course it completes, then the attempt's
/// rollup.
pub async fn settle(
    app: &App,
    r: &Registration<'_>,
    au: &str,
    before: &AuState,
    session: Uuid,
) -> Result<()> {
    settle_with(app, r, session, &|a, now| {
        if a.id == au {
            before.satisfied(a.move_on)
        } else {
            now
        }
    })
    .await
}

/// At registration, when nothing was satisfied before: what `NotApplicable` AUs satisfy is
/// stated (in a session of the LMS's own), then the attempt rolls up.
pub async fn settle_from_nothing(app: &App, r: &Registration<'_>, session: Uuid) -> Result<()> {
    settle_with(app, r, session, &|_, _| false).await
}

/// `before(au, satisfied_now)`: whether the AU was satisfied before.
async fn settle_with(
    app: &App,
    r: &Registration<'_>,
    session: Uuid,
    before: &(dyn Fn(&Cmi5Au, bool) -> bool + Sync),
) -> Result<()> {
    let scos = repo::scos(app.db.writer(), r.tenant, r.attempt).await?;
    let now_of = |a: &Cmi5Au| AuState::of(scos.iter().find(|s| s.sco == a.id)).satisfied(a.move_on);
    let before_f = |a: &Cmi5Au| before(a, now_of(a));
    let about = About {
        actor: r.actor,
        origin: r.origin,
        item: r.item,
        registration: r.attempt,
        session,
        at: app.now(),
    };
    for what in newly_satisfied(r.course, &before_f, &now_of) {
        let s = lms::satisfied(&about, &what);
        if let Err(e) = xapi::record(app, r.tenant, s, Authority::platform(r.origin)).await {
            tracing::warn!(error = %e, "cmi5: a satisfied statement was refused");
        }
    }
    roll(app, r, &scos).await
}

/// Rolls the attempt up into the item's progress and grade.
async fn roll(app: &App, r: &Registration<'_>, scos: &[rows::PackageSco]) -> Result<()> {
    let Some(attempt) = repo::attempt(app.db.writer(), r.tenant, r.attempt).await? else {
        return Ok(());
    };
    let Some(item) = repo_s::item(app.db.reader(), r.tenant, r.run, r.item).await? else {
        return Ok(());
    };
    let o = outcome(r.course, scos);
    rollup::settle(
        app,
        &attempt,
        &PackageItem::of(&item.settings),
        &o,
        item.published,
    )
    .await
}

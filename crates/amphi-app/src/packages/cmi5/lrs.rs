//! Statements sent to the LRS with a cmi5 session's token: checked against cmi5's rules for
//! that session (`rules`), then stored, then the AU's state moves (and with it the blocks, the
//! course, the item's progress and grade). Statements sent with any other credentials go
//! straight to the store.
//!
//! Order across requests: the session's state moves over its revision, and the AU's row over
//! its own, before the statements are stored; a request that finds either moved meanwhile
//! reads again and is checked again, so two requests cannot both pass as the one `completed`.
//! A batch the store then refuses (a statement id already used by another statement) puts
//! both back.

use super::progress::{self, Change, Registration};
use super::rules::{self, Event, Launch, Progress};
use super::{activity_id, state, AuState, Mode};
use crate::packages::Structure;
use crate::xapi::statements;
use crate::xapi::{learner_agent, Authority, LrsError, LrsResult};
use crate::App;
use amphi_core::{TenantId, UserId};
use amphi_db::repo::{cmi5 as repo, packages as repo_p};
use amphi_xapi::multipart::Part;
use serde_json::Value;
use uuid::Uuid;

fn state_name(s: &str) -> &'static str {
    match s {
        state::LAUNCHED => state::LAUNCHED,
        state::INITIALIZED => state::INITIALIZED,
        state::TERMINATED => state::TERMINATED,
        state::WAIVED => state::WAIVED,
        _ => state::ABANDONED,
    }
}

/// Stores statements as the LRS's POST or PUT does (`origin`: the site they came to), with
/// cmi5's rules when the credentials are a cmi5 session's.
pub async fn store(
    app: &App,
    tenant: TenantId,
    origin: &str,
    auth: &Authority,
    list: Vec<Value>,
    parts: Vec<Part>,
    put_id: Option<Uuid>,
) -> LrsResult<Vec<Uuid>> {
    let Some(session) = auth.session else {
        return statements::store(app, tenant, auth, list, parts, put_id).await;
    };
    // xAPI's own rules first, so what is refused below is cmi5's and the store rarely
    // refuses a batch after the session moved.
    for (i, s) in list.iter().enumerate() {
        let mut copy = s.clone();
        amphi_xapi::validate::statement(&mut copy)
            .map_err(|e| LrsError::Bad(format!("statement {i}: {e}")))?;
    }
    for _ in 0..8 {
        let s = repo::session(app.db.writer(), tenant, session)
            .await?
            .ok_or_else(|| LrsError::Forbidden("this AU session is unknown".into()))?;
        let package = repo_p::package(app.db.reader(), tenant, s.package_id)
            .await?
            .ok_or(LrsError::NotFound)?;
        let structure = Structure::of(&package)?;
        let course = structure
            .cmi5
            .as_ref()
            .ok_or_else(|| LrsError::Internal("a cmi5 session without its course".into()))?;
        let au = course
            .aus()
            .into_iter()
            .find(|a| a.id == s.au)
            .ok_or_else(|| LrsError::Internal("a session's AU is not in its course".into()))?;
        let row = match s.attempt_id {
            Some(a) => repo_p::sco(app.db.writer(), tenant, a, &s.au).await?,
            None => None,
        };
        let was = AuState::of(row.as_ref());
        let activity = activity_id(origin, s.item_id, "au", &s.au);
        let launch = Launch {
            session,
            registration: s.registration,
            activity: &activity,
            publisher: &s.au,
            mode: Mode::of(&s.launch_mode),
            mastery: au.mastery_score,
        };
        let mut p = Progress {
            state: state_name(&s.state),
            completed: was.completed,
            passed: was.passed,
        };
        let mut change = Change::default();
        for (i, st) in list.iter().enumerate() {
            let e = rules::check(&launch, &mut p, st)
                .map_err(|m| LrsError::Forbidden(format!("statement {i}: cmi5: {m}")))?;
            match e {
                Event::Completed => change.completed = true,
                Event::Passed(score) => change.passed = Some(score),
                Event::Failed(score) => change.failed = Some(score),
                Event::Terminated(secs) => change.seconds = secs,
                Event::Initialized | Event::Allowed => {}
            }
        }
        let now = app.now();
        let ended = (p.state == state::TERMINATED).then_some(now);
        if !repo::move_session(
            app.db.writer(),
            tenant,
            s.id,
            s.revision,
            p.state,
            now,
            ended,
        )
        .await?
        {
            continue;
        }
        let counts = launch.mode == Mode::Normal && !change.is_empty();
        let written = match (s.attempt_id, counts) {
            (Some(a), true) => {
                match progress::change_au_if(app, tenant, a, &s.au, row.as_ref(), &change).await? {
                    Some(w) => Some(w),
                    None => {
                        put_back(app, tenant, &s, None, row.as_ref()).await;
                        continue;
                    }
                }
            }
            _ => None,
        };
        let ids = match statements::store(app, tenant, auth, list.clone(), parts, put_id).await {
            Ok(ids) => ids,
            Err(e) => {
                put_back(app, tenant, &s, written.as_ref(), row.as_ref()).await;
                return Err(e);
            }
        };
        if let (Some(attempt), Some(_)) = (s.attempt_id, written) {
            let actor = learner_agent(origin, UserId(s.user_id));
            let r = Registration {
                tenant,
                actor: &actor,
                origin,
                attempt,
                item: s.item_id,
                run: package.run_id,
                course,
            };
            progress::settle(app, &r, &s.au, &was, session).await?;
        }
        return Ok(ids);
    }
    Err(LrsError::Conflict(
        "this AU session is busy with other requests; send again".into(),
    ))
}

/// Undoes a session's move (and the AU row written) when the batch is not stored.
async fn put_back(
    app: &App,
    tenant: TenantId,
    s: &amphi_db::rows::Cmi5Session,
    written: Option<&amphi_db::rows::PackageSco>,
    was: Option<&amphi_db::rows::PackageSco>,
) {
    if let Some(w) = written {
        progress::restore_au(app, tenant, was, w).await;
    }
    let r = repo::move_session(
        app.db.writer(),
        tenant,
        s.id,
        s.revision + 1,
        &s.state,
        s.last_at,
        s.ended_at,
    )
    .await;
    if let Err(e) = r {
        tracing::warn!(error = %e, "cmi5: a session could not be put back");
    }
}

//! Launching a cmi5 AU from the player on the content origin. Before the AU opens, the LMS
//! ends any session of the registration still open (`abandoned`), opens a session, writes the
//! `LMS.LaunchData` state document and the learner's preferences, records `launched`, and
//! gives the launch URL: the AU's URL with `endpoint` (the tenant's LRS), `fetch` (a one-time
//! URL for the authorization token), `actor`, `registration` and `activityId`.
//!
//! Learners launch in Normal mode within their attempt (the registration); the course team's
//! preview launches in Browse mode, in a registration of its own that counts for nothing.

use super::progress::{self, Change, Registration};
use super::statements::{self as lms, About};
use super::{activity_id, state, AuState, Mode};
use crate::packages::launch::{open_token, Claims};
use crate::packages::Structure;
use crate::xapi::documents::{self, DocKind, DocWrite, Preconditions};
use crate::xapi::{self, learner_agent, Authority};
use crate::App;
use amphi_core::xapi::XapiScope;
use amphi_core::{codes, Error, Result, UserId};
use amphi_db::repo::{cmi5 as repo, packages as repo_p};
use amphi_db::rows;
use amphi_interop::package::{Cmi5Au, Cmi5Course, Cmi5Node, LaunchMethod};
use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// A launch token's package when it is a cmi5 course.
pub(crate) struct Opened {
    pub claims: Claims,
    pub package: rows::Package,
    pub course: Cmi5Course,
}

impl Opened {
    /// The learner's agent.
    pub fn actor(&self) -> Value {
        learner_agent(&self.claims.o, UserId(self.claims.u))
    }

    /// An AU of the course.
    pub fn au(&self, id: &str) -> Result<&Cmi5Au> {
        self.course
            .aus()
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(Error::NotFound)
    }

    fn registration<'a>(&'a self, attempt: Uuid, actor: &'a Value) -> Registration<'a> {
        Registration {
            tenant: self.claims.tenant(),
            actor,
            origin: &self.claims.o,
            attempt,
            item: self.claims.i,
            run: self.claims.r,
            course: &self.course,
        }
    }
}

/// Opens a launch token; none when its package is not a cmi5 course.
pub(crate) async fn open(app: &App, token: &str) -> Result<Option<Opened>> {
    let claims = open_token(app, token)?;
    let package = repo_p::package(app.db.reader(), claims.tenant(), claims.p)
        .await?
        .ok_or(Error::NotFound)?;
    if package.standard != "cmi5" {
        return Ok(None);
    }
    let structure = Structure::of(&package)?;
    let course = structure
        .cmi5
        .ok_or_else(|| Error::Internal("a cmi5 package without its course structure".into()))?;
    Ok(Some(Opened {
        claims,
        package,
        course,
    }))
}

/// One line of the player's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The block's or AU's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Nesting depth (0 at the top).
    pub depth: usize,
    /// An AU (launchable) rather than a block.
    pub au: bool,
    /// AUs: `not_started`, `started`, `completed`, `passed`, `failed` or `waived`.
    pub status: &'static str,
    /// Whether it meets its `moveOn` criteria (for a block: all its AUs do).
    pub satisfied: bool,
    /// AUs: opens in a window of its own.
    pub own_window: bool,
}

/// What the cmi5 player shows.
#[derive(Debug, Clone, Serialize)]
pub struct Cmi5Player {
    /// The launch's claims.
    #[serde(skip)]
    pub claims: Claims,
    /// The course's title.
    pub title: String,
    /// Blocks and AUs in order.
    pub entries: Vec<Entry>,
    /// The AU to launch first (the first not satisfied).
    pub next: Option<String>,
    /// Whether the course is satisfied.
    pub satisfied: bool,
    /// The launch mode learners get here.
    pub mode: Mode,
}

/// How an AU's state reads in the table of contents and the course team's pages.
pub fn status_of(s: &AuState, row: Option<&rows::PackageSco>) -> &'static str {
    if s.waived.is_some() {
        "waived"
    } else if s.passed {
        "passed"
    } else if s.failed {
        "failed"
    } else if s.completed {
        "completed"
    } else if row.is_some() {
        "started"
    } else {
        "not_started"
    }
}

fn entries(nodes: &[Cmi5Node], depth: usize, scos: &[rows::PackageSco], out: &mut Vec<Entry>) {
    for n in nodes {
        match n {
            Cmi5Node::Au(a) => {
                let row = scos.iter().find(|s| s.sco == a.id);
                let st = AuState::of(row);
                out.push(Entry {
                    id: a.id.clone(),
                    title: amphi_interop::package::first_text(&a.title),
                    depth,
                    au: true,
                    status: status_of(&st, row),
                    satisfied: st.satisfied(a.move_on),
                    own_window: a.launch_method == LaunchMethod::OwnWindow,
                });
            }
            Cmi5Node::Block(b) => {
                let at = out.len();
                out.push(Entry {
                    id: b.id.clone(),
                    title: amphi_interop::package::first_text(&b.title),
                    depth,
                    au: false,
                    status: "",
                    satisfied: false,
                    own_window: false,
                });
                entries(&b.children, depth + 1, scos, out);
                let all = out
                    .iter()
                    .skip(at + 1)
                    .filter(|e| e.au)
                    .all(|e| e.satisfied);
                if let Some(e) = out.get_mut(at) {
                    e.satisfied = all;
                }
            }
        }
    }
}

/// The player of a cmi5 launch token (none when the package is not cmi5). A learner's first
/// visit evaluates `moveOn` at registration: AUs that need nothing (`NotApplicable`) are
/// satisfied at once, and so are the blocks and the course they complete.
pub async fn player(app: &App, token: &str) -> Result<Option<Cmi5Player>> {
    let Some(o) = open(app, token).await? else {
        return Ok(None);
    };
    let tenant = o.claims.tenant();
    let mut scos = match o.claims.a {
        Some(a) => repo_p::scos(app.db.reader(), tenant, a).await?,
        None => vec![],
    };
    if let (Some(attempt), true) = (o.claims.a, scos.is_empty()) {
        if register(app, &o, attempt).await? {
            scos = repo_p::scos(app.db.reader(), tenant, attempt).await?;
        }
    }
    let mut list = Vec::new();
    entries(&o.course.children, 0, &scos, &mut list);
    let satisfied = list.iter().filter(|e| e.au).all(|e| e.satisfied);
    Ok(Some(Cmi5Player {
        title: o.package.title.clone(),
        next: list
            .iter()
            .find(|e| e.au && !e.satisfied)
            .or_else(|| list.iter().find(|e| e.au))
            .map(|e| e.id.clone()),
        satisfied,
        entries: list,
        mode: if o.claims.a.is_some() {
            Mode::Normal
        } else {
            Mode::Browse
        },
        claims: o.claims,
    }))
}

/// Evaluates `moveOn` at registration: the `NotApplicable` AUs get their row (the first one's
/// insert decides who does this, so it happens once) and what they satisfy is stated.
async fn register(app: &App, o: &Opened, attempt: Uuid) -> Result<bool> {
    let free: Vec<&Cmi5Au> = o
        .course
        .aus()
        .into_iter()
        .filter(|a| a.move_on == amphi_interop::package::MoveOn::NotApplicable)
        .collect();
    let Some(first) = free.first() else {
        return Ok(false);
    };
    let tenant = o.claims.tenant();
    let (before, _) = progress::change_au(
        app,
        tenant,
        attempt,
        &first.id,
        &Change {
            launched: true,
            ..Change::default()
        },
    )
    .await?;
    if before != AuState::default()
        || repo_p::scos(app.db.writer(), tenant, attempt).await?.len() > 1
    {
        return Ok(true);
    }
    let actor = o.actor();
    let r = o.registration(attempt, &actor);
    // Nothing was satisfied before registration; the session is one of the LMS's own.
    progress::settle_from_nothing(app, &r, Uuid::now_v7()).await?;
    Ok(true)
}

/// What the player opens for an AU.
#[derive(Debug, Clone, Serialize)]
pub struct Launched {
    /// The launch URL with cmi5's parameters.
    pub url: String,
    /// Opens in a window of its own (`OwnWindow`).
    pub own_window: bool,
    /// The session.
    pub session: Uuid,
}

/// The content origin's base URL.
fn content_base(app: &App) -> String {
    app.config
        .content
        .package_url
        .trim_end_matches('/')
        .to_owned()
}

/// Launches an AU of the token's course: a new session, the launch data, `launched`, and the
/// URL to open.
pub async fn launch(app: &App, token: &str, au_id: &str) -> Result<Launched> {
    let o = open(app, token).await?.ok_or(Error::NotFound)?;
    let au = o.au(au_id)?.clone();
    let tenant = o.claims.tenant();
    let now = app.now();
    let (mode, registration) = match o.claims.a {
        Some(a) => (Mode::Normal, a),
        None => (Mode::Browse, Uuid::new_v4()),
    };
    let actor = o.actor();
    if let Some(attempt) = o.claims.a {
        abandon_open(app, &o, attempt, &actor).await?;
    }
    let session = Uuid::now_v7();
    repo::insert_session(
        app.db.writer(),
        tenant,
        rows::Cmi5Session {
            id: session,
            tenant_id: tenant.0,
            registration,
            attempt_id: o.claims.a,
            item_id: o.claims.i,
            user_id: o.claims.u,
            package_id: o.package.id,
            au: au.id.clone(),
            launch_mode: mode.as_str().into(),
            state: state::LAUNCHED.into(),
            revision: 0,
            fetched: false,
            launched_at: now,
            last_at: now,
            ended_at: None,
        },
    )
    .await?;
    let base = content_base(app);
    let activity = activity_id(&o.claims.o, o.claims.i, "au", &au.id);
    let (url, recorded) = if amphi_interop::package::is_remote_url(&au.url) {
        (au.url.clone(), au.url.clone())
    } else {
        (
            format!("{base}/p/{token}/f/{}", au.url),
            // The launch token stays out of the record.
            format!("{base}/p/-/f/{}", au.url),
        )
    };
    let launch_data = launch_data(
        &au,
        mode,
        session,
        &format!("{base}/p/{token}/cmi5/returned"),
    );
    let platform = Authority::platform(&o.claims.o);
    let pairs = |id_name: &str, id: &str, with_activity: bool| {
        let mut p = vec![("agent".to_owned(), actor.to_string())];
        if with_activity {
            p.push(("activityId".into(), activity.clone()));
            p.push(("registration".into(), registration.to_string()));
        }
        p.push((id_name.to_owned(), id.to_owned()));
        p
    };
    documents::save(
        app,
        tenant,
        &platform,
        DocKind::State,
        &pairs("stateId", "LMS.LaunchData", true),
        json_doc(&launch_data, Preconditions::default()),
    )
    .await
    .map_err(|e| Error::Internal(format!("cmi5 launch data: {}", e.message())))?;
    let prefs = json!({
        "languagePreference": languages(&o.claims.l),
        "audioPreference": "on",
    });
    let kept = documents::save(
        app,
        tenant,
        &platform,
        DocKind::AgentProfile,
        &pairs("profileId", "cmi5LearnerPreferences", false),
        json_doc(
            &prefs,
            Preconditions {
                if_none_match: Some("*".into()),
                ..Preconditions::default()
            },
        ),
    )
    .await;
    if let Err(e) = kept {
        if !matches!(e, xapi::LrsError::PreconditionFailed(_)) {
            return Err(Error::Internal(format!(
                "cmi5 preferences: {}",
                e.message()
            )));
        }
    }
    let about = About {
        actor: &actor,
        origin: &o.claims.o,
        item: o.claims.i,
        registration,
        session,
        at: now,
    };
    xapi::record(
        app,
        tenant,
        lms::launched(&about, &au, mode, &recorded),
        platform,
    )
    .await?;
    if let Some(attempt) = o.claims.a {
        let started = Change {
            launched: true,
            ..Change::default()
        };
        let (before, _) = progress::change_au(app, tenant, attempt, &au.id, &started).await?;
        if before == AuState::default() {
            // The attempt is under way from its first launch.
            let r = o.registration(attempt, &actor);
            progress::settle(app, &r, &au.id, &before, session).await?;
        }
    }
    let fetch = format!("{base}/p/{token}/cmi5/fetch/{session}");
    let mut u =
        url::Url::parse(&url).map_err(|_| Error::BadRequest(codes::PACKAGE_DATA_INVALID))?;
    u.query_pairs_mut()
        .append_pair(
            "endpoint",
            &format!("{}/xapi/", o.claims.o.trim_end_matches('/')),
        )
        .append_pair("fetch", &fetch)
        .append_pair("actor", &actor.to_string())
        .append_pair("registration", &registration.to_string())
        .append_pair("activityId", &activity);
    Ok(Launched {
        url: u.to_string(),
        own_window: au.launch_method == LaunchMethod::OwnWindow,
        session,
    })
}

/// A learner's languages for `cmi5LearnerPreferences` (theirs first, then English).
fn languages(locale: &str) -> String {
    match locale {
        "fr" => "fr-FR,fr,en-US".into(),
        _ => "en-US,en".into(),
    }
}

fn json_doc(v: &Value, pre: Preconditions) -> DocWrite {
    DocWrite {
        pre,
        content_type: "application/json".into(),
        content: v.to_string().into_bytes(),
        merge: false,
    }
}

/// The `LMS.LaunchData` document of a session.
fn launch_data(au: &Cmi5Au, mode: Mode, session: Uuid, return_url: &str) -> Value {
    let mut d = json!({
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": au.id}]},
            "extensions": {super::EXT_SESSION: session.to_string()},
        },
        "launchMode": mode.as_str(),
        "launchMethod": match au.launch_method {
            LaunchMethod::OwnWindow => "OwnWindow",
            LaunchMethod::AnyWindow => "AnyWindow",
        },
        "moveOn": super::move_on_name(au.move_on),
        "returnURL": return_url,
    });
    if let Some(p) = &au.launch_parameters {
        d["launchParameters"] = json!(p);
    }
    if let Some(m) = au.mastery_score {
        d["masteryScore"] = json!(m);
    }
    if let Some(k) = &au.entitlement_key {
        d["entitlementKey"] = json!({"courseStructure": k});
    }
    d
}

/// Ends the registration's sessions still open: each is `abandoned` (with the time from its
/// launch to the last thing its AU sent), and that time joins its AU's.
async fn abandon_open(app: &App, o: &Opened, attempt: Uuid, actor: &Value) -> Result<()> {
    let tenant = o.claims.tenant();
    for s in repo::open_sessions(app.db.writer(), tenant, attempt).await? {
        let now = app.now();
        if !repo::move_session(
            app.db.writer(),
            tenant,
            s.id,
            s.revision,
            state::ABANDONED,
            s.last_at,
            Some(now),
        )
        .await?
        {
            continue; // It moved meanwhile (terminated, or another launch abandoned it).
        }
        let Ok(au) = o.au(&s.au) else { continue };
        let seconds = (s.last_at - s.launched_at).num_seconds();
        let about = About {
            actor,
            origin: &o.claims.o,
            item: o.claims.i,
            registration: s.registration,
            session: s.id,
            at: now,
        };
        xapi::record(
            app,
            tenant,
            lms::abandoned(&about, au, seconds),
            Authority::platform(&o.claims.o),
        )
        .await?;
        let time = Change {
            seconds,
            ..Change::default()
        };
        progress::change_au(app, tenant, attempt, &s.au, &time).await?;
    }
    Ok(())
}

/// What the fetch URL answers (always with 200, as cmi5 8.2 says).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Fetched {
    /// The token, the first time.
    Token {
        /// `base64(key:secret)`, for `Authorization: Basic`.
        #[serde(rename = "auth-token")]
        auth_token: String,
    },
    /// An error: 1 already used, 2 security, 3 other.
    Error {
        /// The code.
        #[serde(rename = "error-code")]
        code: String,
        /// In words.
        #[serde(rename = "error-text")]
        text: String,
    },
}

fn fetch_error(code: u8, text: &str) -> Fetched {
    Fetched::Error {
        code: code.to_string(),
        text: text.into(),
    }
}

/// The one-time fetch of a session's LRS token.
pub async fn fetch(app: &App, token: &str, session: &str) -> Result<Fetched> {
    let Ok(claims) = open_token(app, token) else {
        return Ok(fetch_error(2, "this launch is not valid (expired?)"));
    };
    let tenant = claims.tenant();
    let Some(s) = Uuid::parse_str(session).ok() else {
        return Ok(fetch_error(2, "unknown session"));
    };
    let Some(row) = repo::session(app.db.writer(), tenant, s).await? else {
        return Ok(fetch_error(2, "unknown session"));
    };
    if row.user_id != claims.u || row.item_id != claims.i || row.attempt_id != claims.a {
        return Ok(fetch_error(2, "this session is not this launch's"));
    }
    if row.state != state::LAUNCHED {
        return Ok(fetch_error(3, "this session has moved on"));
    }
    if !repo::take_fetch(app.db.writer(), tenant, s).await? {
        return Ok(fetch_error(
            1,
            "the authorization token was already fetched",
        ));
    }
    let ttl = chrono::Duration::seconds((claims.e - app.now().timestamp()).max(60));
    let scopes = [
        XapiScope::StatementsWrite,
        XapiScope::StatementsReadMine,
        XapiScope::State,
        XapiScope::Profile,
    ];
    let pair = xapi::auth::session_token(app, tenant, UserId(claims.u), &scopes, ttl, s).await?;
    Ok(Fetched::Token {
        auth_token: base64::engine::general_purpose::STANDARD.encode(pair),
    })
}

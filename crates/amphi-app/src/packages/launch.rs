//! Launching a package: the learner's current attempt (the first one made on first visit), a
//! new attempt when the item allows one, and the launch token the content origin works with.
//!
//! The token is signed with the platform secret and names the tenant, the run, the item, the
//! learner, the attempt (none for the course team's preview), the package version, the Amphi
//! origin that may frame the player and when it expires (`content.package_session_hours`).
//! The content origin has no cookie and no session: this token is all it trusts.

use super::cmi::{self, completion, success};
use super::{Api, PackageItem, Structure};
use crate::{courses, App, Caller};
use amphi_core::course::{CourseRole, ItemKind};
use amphi_core::policy::Action;
use amphi_core::{codes, Error, ItemId, Result, RunId, TenantId};
use amphi_db::repo::{packages as repo, structure, users};
use amphi_db::rows;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

const PURPOSE: &str = "package-launch";

/// What a launch token carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Tenant.
    pub t: Uuid,
    /// Run.
    pub r: Uuid,
    /// Item.
    pub i: Uuid,
    /// Person.
    pub u: Uuid,
    /// Attempt; none for a preview (nothing recorded).
    pub a: Option<Uuid>,
    /// Package version.
    pub p: Uuid,
    /// The Amphi origin allowed to frame the player.
    pub o: String,
    /// The learner's language.
    pub l: String,
    /// Expiry (Unix seconds).
    pub e: i64,
}

impl Claims {
    /// The tenant.
    pub fn tenant(&self) -> TenantId {
        TenantId(self.t)
    }
}

/// A token's claims, if it is signed and current.
pub fn open_token(app: &App, token: &str) -> Result<Claims> {
    crate::sealed::open::<Claims>(app, PURPOSE, token)
        .filter(|c| c.e > app.now().timestamp())
        .ok_or(Error::BadRequest(codes::PACKAGE_SESSION_INVALID))
}

/// One of a learner's attempts, as the item's page lists them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptSummary {
    /// Attempt number, from 1.
    pub number: i32,
    /// `not_attempted`, `incomplete`, `completed` or `unknown`.
    pub completion: String,
    /// `passed`, `failed` or `unknown`.
    pub success: String,
    /// Score in percent, when the package reported one.
    pub percent: Option<f64>,
    /// Time spent, in seconds.
    pub seconds: i64,
}

impl AttemptSummary {
    fn of(a: &rows::PackageAttempt) -> Self {
        Self {
            number: a.number,
            completion: a.completion.clone(),
            success: a.success.clone(),
            percent: a.score_scaled.map(|s| (s * 1000.0).round() / 10.0),
            seconds: a.seconds,
        }
    }
}

/// How a package item shows on its page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackageView {
    /// The player's address on the content origin (none when the item has no package yet).
    pub player_url: Option<String>,
    /// The content origin, which the page's `frame-src` allows.
    pub frame_src: String,
    /// The course team previews: nothing is recorded.
    pub preview: bool,
    /// The learner's attempts, oldest first.
    pub attempts: Vec<AttemptSummary>,
    /// Whether the learner may start a new attempt.
    pub can_start_new: bool,
    /// Attempts allowed; 0 for no limit.
    pub max_attempts: u32,
}

/// The content origin (`scheme://host[:port]`).
pub fn content_origin(app: &App) -> String {
    url::Url::parse(&app.config.content.package_url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

/// The package view of an item the person has just opened (`learner`: they follow the run and
/// it has not ended; otherwise a preview). A learner's first visit starts attempt 1.
pub(crate) async fn view(
    app: &App,
    caller: &Caller,
    item: &rows::CourseItem,
    learner: bool,
) -> Result<PackageView> {
    let tenant = caller.tenant;
    let settings = PackageItem::of(&item.settings);
    let mut v = PackageView {
        player_url: None,
        frame_src: content_origin(app),
        preview: !learner,
        attempts: vec![],
        can_start_new: false,
        max_attempts: settings.max_attempts,
    };
    let Some(package) = settings.package_id else {
        return Ok(v);
    };
    let attempt = if learner {
        let mut attempts =
            repo::attempts_of(app.db.reader(), tenant, item.id, caller.user.id.0).await?;
        if attempts.is_empty() {
            attempts.push(start_attempt(app, caller, item, package, 1).await?);
        }
        v.can_start_new = may_start_new(&settings, &attempts);
        v.attempts = attempts.iter().map(AttemptSummary::of).collect();
        attempts.last().map(|a| (a.id, a.package_id))
    } else {
        None
    };
    let claims = Claims {
        t: tenant.0,
        r: item.run_id,
        i: item.id,
        u: caller.user.id.0,
        a: attempt.map(|a| a.0),
        // An attempt keeps the version it began with.
        p: attempt.map_or(package, |a| a.1),
        o: caller.meta.base_url.clone(),
        l: caller
            .user
            .locale
            .clone()
            .unwrap_or_else(|| "en".to_owned()),
        e: app.now().timestamp() + i64::from(app.config.content.package_session_hours) * 3600,
    };
    let token = crate::sealed::seal(app, PURPOSE, &claims)?;
    v.player_url = Some(format!(
        "{}/p/{token}/",
        app.config.content.package_url.trim_end_matches('/')
    ));
    Ok(v)
}

fn may_start_new(s: &PackageItem, attempts: &[rows::PackageAttempt]) -> bool {
    let started = attempts.last().is_some_and(|a| {
        a.completion != completion::NOT_ATTEMPTED || a.success != success::UNKNOWN
    });
    started && (s.max_attempts == 0 || attempts.len() < s.max_attempts as usize)
}

async fn start_attempt(
    app: &App,
    caller: &Caller,
    item: &rows::CourseItem,
    package: Uuid,
    number: i32,
) -> Result<rows::PackageAttempt> {
    let now = app.now();
    let row = rows::PackageAttempt {
        id: Uuid::now_v7(),
        tenant_id: caller.tenant.0,
        run_id: item.run_id,
        item_id: item.id,
        user_id: caller.user.id.0,
        package_id: package,
        number,
        completion: completion::NOT_ATTEMPTED.into(),
        success: success::UNKNOWN.into(),
        score_scaled: None,
        seconds: 0,
        sequencing_state: None,
        sequencing_revision: 0,
        created_at: now,
        updated_at: now,
    };
    let tenant = caller.tenant;
    app.write(move |app| async move {
        match repo::insert_attempt(app.db.writer(), tenant, row.clone()).await {
            Ok(r) => Ok(r),
            // Two tabs opened at once: the other one made it.
            Err(Error::Conflict(_)) => {
                repo::attempts_of(app.db.writer(), tenant, row.item_id, row.user_id)
                    .await?
                    .into_iter()
                    .find(|a| a.number == row.number)
                    .ok_or(Error::Conflict(codes::PACKAGE_CONFLICT))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

/// Starts the learner's next attempt, when the item allows one (the last one was started and
/// attempts remain). Learners only, in a run that has not ended.
pub async fn new_attempt(app: &App, caller: &Caller, run: RunId, item: ItemId) -> Result<i32> {
    let a = courses::access_for(app, caller, run.0, Action::View).await?;
    let learner = a
        .enrolment
        .as_ref()
        .is_some_and(|e| e.role == CourseRole::Learner.as_str());
    if !learner {
        return Err(Error::Forbidden);
    }
    courses::writable(&a.run, app.now())?;
    let it = structure::item(app.db.reader(), caller.tenant, run.0, item.0)
        .await?
        .filter(|i| i.published && i.kind().ok() == Some(ItemKind::Package))
        .ok_or(Error::NotFound)?;
    let settings = PackageItem::of(&it.settings);
    let package = settings
        .package_id
        .ok_or(Error::Conflict(codes::PACKAGE_MISSING))?;
    let attempts =
        repo::attempts_of(app.db.reader(), caller.tenant, it.id, caller.user.id.0).await?;
    if !may_start_new(&settings, &attempts) {
        return Err(Error::Conflict(codes::PACKAGE_NO_ATTEMPT_LEFT));
    }
    let next = attempts.last().map_or(1, |a| a.number + 1);
    Ok(start_attempt(app, caller, &it, package, next).await?.number)
}

/// What the player starts a SCO with.
#[derive(Debug, Clone, Serialize)]
pub struct ScoStart {
    /// The SCO's identifier.
    pub sco: String,
    /// The revision its next commit is based on.
    pub revision: i64,
    /// The `cmi` object to load before `Initialize`.
    pub cmi: Value,
}

/// The player's data for one launch: the package, the learner's progress in each SCO and the
/// SCO to start (`sco`, or where the learner left off).
#[derive(Debug, Clone, Serialize)]
pub struct Player {
    /// The launch's claims.
    #[serde(skip)]
    pub claims: Claims,
    /// `scorm12` or `scorm2004`.
    pub api: Api,
    /// The package's title.
    pub title: String,
    /// The package's items.
    pub structure: Structure,
    /// Completion and success per SCO.
    pub states: Vec<(String, String, String)>,
    /// The SCO to start.
    pub start: ScoStart,
    /// The attempt's sequencing state (SCORM 2004 with sequencing).
    pub sequencing: Option<super::seq_state::Resume>,
}

/// The player for a launch token; `sco` chooses the SCO (else the first not completed).
pub async fn player(app: &App, token: &str, sco: Option<&str>) -> Result<Player> {
    let claims = open_token(app, token)?;
    let tenant = claims.tenant();
    let p = repo::package(app.db.reader(), tenant, claims.p)
        .await?
        .ok_or(Error::NotFound)?;
    let structure = Structure::of(&p)?;
    let scos = match claims.a {
        Some(a) => repo::scos(app.db.reader(), tenant, a).await?,
        None => vec![],
    };
    // The player's page claims the sequencing state (its revision moves on); another SCO's
    // data fetched by that page does not.
    let sequencing = match (claims.a, &structure.sequencing, sco) {
        (Some(a), Some(_), None) => super::seq_state::claim(app, tenant, a).await?,
        _ => None,
    };
    // Sequenced: where the engine was, else the first SCO not completed.
    let resumed = sequencing
        .as_ref()
        .and_then(|r| r.activity())
        .and_then(|id| structure.launch(&id));
    let chosen = match sco {
        Some(id) => structure.launch(id).ok_or(Error::NotFound)?,
        None if resumed.is_some() => resumed.ok_or(Error::NotFound)?,
        None => structure
            .launches
            .iter()
            .find(|l| {
                !scos
                    .iter()
                    .any(|s| s.sco == l.identifier && s.completion == completion::COMPLETED)
            })
            .or(structure.launches.first())
            .ok_or(Error::NotFound)?,
    }
    .clone();
    let start = sco_start(
        app,
        &claims,
        &p,
        &chosen,
        scos.iter().find(|s| s.sco == chosen.identifier),
    )
    .await?;
    Ok(Player {
        api: Api::of(&p.standard),
        title: p.title.clone(),
        states: scos
            .iter()
            .map(|s| (s.sco.clone(), s.completion.clone(), s.success.clone()))
            .collect(),
        structure,
        start,
        sequencing,
        claims,
    })
}

/// Prepares a SCO's launch: the time of its last session joins its total (one write, which
/// also moves the revision, so a tab still open on an older launch cannot commit over it).
async fn sco_start(
    app: &App,
    claims: &Claims,
    p: &rows::Package,
    launch: &amphi_interop::package::Launch,
    stored: Option<&rows::PackageSco>,
) -> Result<ScoStart> {
    let tenant = claims.tenant();
    let api = Api::of(&p.standard);
    let user = users::by_id(app.db.reader(), tenant, amphi_core::UserId(claims.u))
        .await?
        .ok_or(Error::NotFound)?;
    let (given, family) = crate::lti::split_name(&user.name);
    let name = if family.is_empty() {
        given.to_owned()
    } else {
        format!("{family}, {given}")
    };
    let learner = cmi::Learner {
        id: claims.u.to_string(),
        name,
        language: &claims.l,
        launch,
        preview: claims.a.is_none(),
    };
    let (Some(attempt), Some(s)) = (claims.a, stored) else {
        return Ok(ScoStart {
            sco: launch.identifier.clone(),
            revision: 0,
            cmi: cmi::start(api, None, 0, &learner),
        });
    };
    let mut s = s.clone();
    for _ in 0..3 {
        let total = s.base_seconds + s.session_seconds;
        let mut rolled = s.clone();
        rolled.base_seconds = total;
        rolled.session_seconds = 0;
        rolled.revision = s.revision + 1;
        rolled.updated_at = app.now();
        let expected = s.revision;
        let moved = app
            .write(move |app| async move {
                repo::commit_sco(app.db.writer(), tenant, &rolled, expected).await
            })
            .await?;
        if moved {
            let data: Value = serde_json::from_str(&s.cmi).unwrap_or_default();
            return Ok(ScoStart {
                sco: launch.identifier.clone(),
                revision: s.revision + 1,
                cmi: cmi::start(api, Some(&data), total, &learner),
            });
        }
        // The closing page's last commit (a beacon) landed meanwhile: start from it.
        match repo::sco(app.db.writer(), tenant, attempt, &launch.identifier).await? {
            Some(now) => s = now,
            None => break,
        }
    }
    Err(Error::Conflict(codes::PACKAGE_CONFLICT))
}

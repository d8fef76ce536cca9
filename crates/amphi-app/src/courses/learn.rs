//! Learning: the course home with progress, opening items, completing them, video progress,
//! resuming, and the learner's dashboard.

use super::{content, dates_of, Course, Run, RunAccess};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::ItemKind;
use amphi_core::course::ProgressState;
use amphi_core::course::{percent, CourseRole};
use amphi_core::policy::{can, Action};
use amphi_core::{Error, Result, TenantId};
use amphi_core::{ItemId, RunId};
use amphi_db::repo::{courses as repo_c, enrolments as repo_e, progress, structure};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use uuid::Uuid;

/// Modules and items of a run, as stored.
#[derive(Debug)]
pub struct Structure {
    /// Modules in order.
    pub modules: Vec<rows::CourseModule>,
    /// Items in order.
    pub items: Vec<rows::CourseItem>,
    /// The latest announcements, newest first.
    pub announcements: Vec<super::announce::Announcement>,
    /// The run's course.
    pub course: Course,
    /// Each item's text rendered and sanitised, made once per structure version.
    pub html: HashMap<Uuid, String>,
    /// The run has certificate settings (saving them bumps the run's version): only then can
    /// a learner hold a certificate of it.
    pub certificates: bool,
}

impl Structure {
    /// An item's rendered text (from the cache when the item is part of this structure).
    pub fn html_of(&self, it: &rows::CourseItem) -> String {
        self.html
            .get(&it.id)
            .cloned()
            .unwrap_or_else(|| content::markdown_to_html(&it.body))
    }
}

/// Run structures, keyed by run and its version: any change bumps the run's `version`.
pub type StructureCache = crate::memo::RunCache<Structure>;

/// The run's structure, from the cache when it holds the run's version, else read and kept.
pub(crate) async fn structure_of(
    app: &App,
    tenant: TenantId,
    run: &rows::CourseRun,
) -> Result<Arc<Structure>> {
    if let Some(s) = app.structure_cache.get(tenant, run.id, run.version) {
        return Ok(s);
    }
    let items = structure::items(app.db.reader(), tenant, run.id).await?;
    let html = items
        .iter()
        .map(|i| (i.id, content::markdown_to_html(&i.body)))
        .collect();
    let s = Arc::new(Structure {
        modules: structure::modules(app.db.reader(), tenant, run.id).await?,
        items,
        announcements: super::announce::latest_of_run(app, tenant, run.id, 5).await?,
        course: super::course_of(app, tenant, run).await?.try_into()?,
        html,
        certificates: amphi_db::repo::certificates::run_settings(app.db.reader(), tenant, run.id)
            .await?
            .is_some(),
    });
    app.structure_cache
        .put(tenant, run.id, run.version, s.clone());
    Ok(s)
}

/// An item as a learner sees it in the outline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemEntry {
    /// Id.
    pub id: Uuid,
    /// `page`, `video`, `file` or `link`.
    #[schema(value_type = String)]
    pub kind: ItemKind,
    /// Title.
    pub title: String,
    /// `not_started`, `viewed` or `completed`.
    #[schema(value_type = String)]
    pub state: ProgressState,
    /// Why it cannot be opened yet (`available_from`, `requires`), if locked.
    pub locked: Option<String>,
    /// When it opens, for `available_from`.
    pub available_from: Option<DateTime<Utc>>,
    /// The item to complete first, for `requires`.
    pub requires_title: Option<String>,
    /// Not visible to learners (staff preview).
    pub draft: bool,
}

/// A module as a learner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModuleEntry {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Locked until this date.
    pub available_from: Option<DateTime<Utc>>,
    /// Whether it is locked now.
    pub locked: bool,
    /// Completed share of its items, 0–100.
    pub percent: i64,
    /// Items.
    pub items: Vec<ItemEntry>,
    /// Not visible to learners (staff preview).
    pub draft: bool,
}

/// The course home of one learner (or a staff preview).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CourseHome {
    /// The course.
    pub course: Course,
    /// The run.
    pub run: Run,
    /// The viewer's role (`learner`, `instructor`, …); none for administrators.
    pub role: Option<String>,
    /// Completed share of the run, 0–100.
    pub percent: i64,
    /// Items completed.
    pub completed: i64,
    /// The item to resume at.
    pub resume_item: Option<Uuid>,
    /// Modules.
    pub modules: Vec<ModuleEntry>,
    /// Whether the viewer sees drafts (course team) rather than the learner's view.
    pub staff_view: bool,
    /// The run has not started: content opens at `run.starts_at`.
    pub not_started: bool,
    /// The latest announcements.
    pub announcements: Vec<super::announce::Announcement>,
    /// The run gives (or once gave) certificates: the viewer may hold one.
    pub certificates: bool,
}

fn staff(user: &User, tenant: TenantId, a: &RunAccess) -> bool {
    can(&user.actor(), Action::Update, a.resource(tenant))
        || matches!(
            a.role(),
            Some(CourseRole::TeachingAssistant | CourseRole::Observer)
        )
}

/// The course home. Cost: one query for the run with the viewer's enrolment and progress;
/// the structure comes from the cache.
pub async fn home(app: &App, caller: &Caller, run_id: RunId, preview: bool) -> Result<CourseHome> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    let (a, states) = super::access_with_progress(app, &user.actor(), tenant, run_id).await?;
    Ok(home_with(app, user, tenant, &a, preview, states).await?.0)
}

/// The course home for an access already checked for viewing, from the viewer's progress (item
/// → state, [`super::access_with_progress`]), with the cached structure it was made from.
pub(crate) async fn home_with(
    app: &App,
    user: &User,
    tenant: TenantId,
    a: &RunAccess,
    preview: bool,
    states: HashMap<Uuid, ProgressState>,
) -> Result<(CourseHome, Arc<Structure>)> {
    let now = app.now();
    let staff_view = staff(user, tenant, a) && !preview;
    let s = structure_of(app, tenant, &a.run).await?;
    let course = s.course.clone();
    let visible_modules: Vec<&rows::CourseModule> = s
        .modules
        .iter()
        .filter(|m| staff_view || m.published)
        .collect();
    let published_modules: HashSet<Uuid> = s
        .modules
        .iter()
        .filter(|m| m.published)
        .map(|m| m.id)
        .collect();
    let completed_ids: HashSet<Uuid> = states
        .iter()
        .filter(|(_, st)| **st == ProgressState::Completed)
        .map(|(id, _)| *id)
        .collect();
    let titles: HashMap<Uuid, &str> = s.items.iter().map(|i| (i.id, i.title.as_str())).collect();
    let started = dates_of(&a.run).started(now);
    let mut modules = Vec::new();
    let mut completed = 0;
    let mut previous_done = true;
    for m in visible_modules {
        let m_locked = m.available_from.is_some_and(|d| d > now) || !started;
        let mut items = Vec::new();
        let (mut m_total, mut m_done) = (0, 0);
        for it in s
            .items
            .iter()
            .filter(|i| i.module_id == m.id && (staff_view || i.published))
        {
            let state = states
                .get(&it.id)
                .copied()
                .unwrap_or(ProgressState::NotStarted);
            let counts = it.published && published_modules.contains(&m.id);
            if counts {
                m_total += 1;
                if state == ProgressState::Completed {
                    m_done += 1;
                    completed += 1;
                }
            }
            let locked = lock_reason(
                it,
                m_locked,
                a.run.sequential,
                previous_done,
                &completed_ids,
                now,
            );
            if counts {
                previous_done = state == ProgressState::Completed;
            }
            items.push(ItemEntry {
                id: it.id,
                kind: it.kind()?,
                title: it.title.clone(),
                locked: if staff_view {
                    None
                } else {
                    locked.map(str::to_owned)
                },
                available_from: it.available_from.or(m.available_from),
                requires_title: it
                    .requires_item_id
                    .and_then(|r| titles.get(&r).map(|t| (*t).to_owned())),
                state,
                draft: !it.published || !m.published,
            });
        }
        modules.push(ModuleEntry {
            id: m.id,
            title: m.title.clone(),
            available_from: m.available_from,
            locked: m_locked && !staff_view,
            percent: percent(m_done, m_total),
            items,
            draft: !m.published,
        });
    }
    let resume_item = a
        .enrolment
        .as_ref()
        .and_then(|e| e.last_item_id)
        .or_else(|| {
            modules
                .iter()
                .flat_map(|m| &m.items)
                .find(|i| i.state != ProgressState::Completed && i.locked.is_none())
                .map(|i| i.id)
        });
    let home = CourseHome {
        course,
        run: Run::from_model(&a.run, now)?,
        role: a.role().map(|r| r.as_str().to_owned()),
        percent: percent(completed, a.run.item_count),
        completed,
        resume_item,
        modules,
        staff_view,
        not_started: !started,
        announcements: s.announcements.clone(),
        certificates: s.certificates,
    };
    Ok((home, s))
}

/// An item of a run from the cached structure (drafts included: callers decide who sees them).
pub(crate) async fn cached_item(
    app: &App,
    tenant: TenantId,
    run: &rows::CourseRun,
    item_id: Uuid,
) -> Result<Option<rows::CourseItem>> {
    let s = structure_of(app, tenant, run).await?;
    Ok(s.items.iter().find(|i| i.id == item_id).cloned())
}

fn lock_reason(
    it: &rows::CourseItem,
    module_locked: bool,
    sequential: bool,
    previous_done: bool,
    completed: &HashSet<Uuid>,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    if module_locked || it.available_from.is_some_and(|d| d > now) {
        return Some("available_from");
    }
    if let Some(r) = it.requires_item_id {
        if !completed.contains(&r) {
            return Some("requires");
        }
    }
    if sequential && !previous_done {
        return Some("sequential");
    }
    None
}

/// One item opened by a learner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemPage {
    /// The item as in the outline.
    pub entry: ItemEntry,
    /// The module's title.
    pub module_title: String,
    /// Page text or video transcript, rendered and sanitised.
    pub html: String,
    /// Link address (`link`).
    pub url: Option<String>,
    /// Player address (`video` embeds).
    pub embed_src: Option<String>,
    /// Origin to allow in frame-src for the embed.
    pub embed_origin: Option<String>,
    /// Previous item in the learner's order.
    pub prev: Option<Uuid>,
    /// Next item.
    pub next: Option<Uuid>,
    /// The next item cannot be opened yet (the pager says so instead of linking to it).
    pub next_locked: bool,
    /// Whether the viewer can mark it complete (enrolled learner, run not archived).
    pub can_complete: bool,
    /// Uploaded files of a `file` or `video` item (the file, the video, its subtitles).
    pub media: Option<crate::files::media::ItemMedia>,
    /// An external tool item's tool and how it opens.
    pub tool: Option<crate::lti::ToolView>,
    /// A package item: its player and the learner's attempts.
    pub package: Option<crate::packages::launch::PackageView>,
    /// Whether what the viewer does is recorded (an enrolled learner, run not archived).
    pub records: bool,
}

/// The module that follows the one an item ends, as the item's page offers it.
#[derive(Debug, Clone, Serialize)]
pub struct NextModule {
    /// Title.
    pub title: String,
    /// Its items the viewer sees.
    pub item_count: usize,
    /// Its first item.
    pub first_item: Uuid,
    /// The first item cannot be opened yet.
    pub locked: bool,
    /// When it opens, if it is locked by a date.
    pub available_from: Option<DateTime<Utc>>,
}

/// An item of the outline by id and title (the next one, on the item's page).
#[derive(Debug, Clone, Serialize)]
pub struct ItemLink {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
}

/// Where an item stands in its course, for its page: the outline with the viewer's progress,
/// its position ("Item 2 of 3 · Week 1") and what follows it. Made from the course home the
/// item's opening reads anyway (cached structure, the viewer's progress): no query of its own.
#[derive(Debug, Clone, Serialize)]
pub struct Around {
    /// Modules and their items, with the viewer's progress and locks.
    pub outline: Vec<ModuleEntry>,
    /// 1-based position of the item in its module.
    pub position: usize,
    /// Items of its module.
    pub of: usize,
    /// The module's title.
    pub module_title: String,
    /// The next item in the same module.
    pub next_in_module: Option<ItemLink>,
    /// The item ends its module and another follows: that one.
    pub next_module: Option<NextModule>,
    /// The item is the last of the course.
    pub last_of_course: bool,
    /// Completed share of the run, 0–100.
    pub percent: i64,
    /// Items completed.
    pub completed: i64,
    /// Items of the run that count.
    pub item_count: i64,
    /// The run gives certificates.
    pub certificates: bool,
}

impl Around {
    fn of(h: &CourseHome, module_id: Uuid, item_id: Uuid, certificates: bool) -> Option<Around> {
        let mi = h.modules.iter().position(|m| m.id == module_id)?;
        let m = &h.modules[mi];
        let ii = m.items.iter().position(|i| i.id == item_id)?;
        let later = h.modules[mi + 1..]
            .iter()
            .find(|n| !n.items.is_empty())
            .and_then(|n| Some((n, n.items.first()?)));
        let last_in_module = ii + 1 == m.items.len();
        Some(Around {
            outline: h.modules.clone(),
            position: ii + 1,
            of: m.items.len(),
            module_title: m.title.clone(),
            next_in_module: m.items.get(ii + 1).map(|i| ItemLink {
                id: i.id,
                title: i.title.clone(),
            }),
            next_module: later
                .filter(|_| last_in_module)
                .map(|(n, first)| NextModule {
                    title: n.title.clone(),
                    item_count: n.items.len(),
                    first_item: first.id,
                    locked: first.locked.is_some(),
                    available_from: first.available_from,
                }),
            last_of_course: last_in_module && later.is_none(),
            percent: h.percent,
            completed: h.completed,
            item_count: h.run.item_count,
            certificates,
        })
    }
}

/// Opens an item: checks release rules, records the view and where to resume.
pub async fn open_item(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
) -> Result<ItemPage> {
    let mut page = open_item_as(app, &caller.user, caller.tenant, run_id.0, item_id.0).await?;
    with_package(app, caller, run_id.0, &mut page).await?;
    Ok(page)
}

/// A package item's player and attempts on its page (a learner's first visit starts attempt 1).
async fn with_package(app: &App, caller: &Caller, run: Uuid, page: &mut ItemPage) -> Result<()> {
    if page.entry.kind != ItemKind::Package {
        return Ok(());
    }
    let it = structure::item(app.db.reader(), caller.tenant, run, page.entry.id)
        .await?
        .ok_or(Error::NotFound)?;
    let v = crate::packages::launch::view(app, caller, &it, page.records).await?;
    page.embed_origin = Some(v.frame_src.clone());
    page.package = Some(v);
    Ok(())
}

/// [`open_item`] with where the item stands in the course (outline, position, what follows),
/// for the item's page.
pub async fn open_item_around(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
) -> Result<(ItemPage, Around)> {
    let (mut page, around) =
        open(app, &caller.user, caller.tenant, run_id.0, item_id.0, true).await?;
    with_package(app, caller, run_id.0, &mut page).await?;
    Ok((page, around.ok_or(Error::NotFound)?))
}

/// [`open_item`] for the use cases built on it, which hold the user and tenant apart.
pub(crate) async fn open_item_as(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<ItemPage> {
    Ok(open(app, user, tenant, run_id, item_id, false).await?.0)
}

async fn open(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    with_around: bool,
) -> Result<(ItemPage, Option<Around>)> {
    let (a, states) = super::access_with_progress(app, &user.actor(), tenant, run_id).await?;
    let (h, st) = home_with(app, user, tenant, &a, false, states).await?;
    let entries: Vec<(&ModuleEntry, &ItemEntry)> = h
        .modules
        .iter()
        .flat_map(|m| m.items.iter().map(move |i| (m, i)))
        .collect();
    let idx = entries
        .iter()
        .position(|(_, i)| i.id == item_id)
        .ok_or(Error::NotFound)?;
    let (module, entry) = entries[idx];
    if entry.locked.is_some() {
        return Err(Error::Conflict(codes::ITEM_LOCKED));
    }
    let it = st
        .items
        .iter()
        .find(|i| i.id == item_id)
        .ok_or(Error::NotFound)?;
    let settings: serde_json::Value = serde_json::from_str(&it.settings).unwrap_or_default();
    let now = app.now();
    let learner = h.role.as_deref() == Some(CourseRole::Learner.as_str());
    let archived = h.run.archived;
    if learner && !archived {
        // Written only when something changes: reading a page again costs no write.
        let viewed = entry.state == ProgressState::NotStarted;
        let last = a
            .enrolment
            .as_ref()
            .filter(|e| e.last_item_id != Some(item_id))
            .map(|e| e.id);
        if viewed || last.is_some() {
            let uid = user.id.0;
            app.write(move |app| async move {
                let w = app.db.writer();
                if viewed {
                    progress::mark_viewed(w, tenant, run_id, item_id, uid, now).await?;
                }
                if let Some(e) = last {
                    repo_e::set_last_item(w, tenant, e, item_id, now).await?;
                }
                Ok(())
            })
            .await?;
        }
    }
    let s = |k: &str| settings.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let media = crate::files::media::item_media(app, tenant, run_id, entry.kind, &settings).await?;
    let tool = match entry.kind {
        ItemKind::Tool => crate::lti::tool_view(app, tenant, &it.settings).await?,
        _ => None,
    };
    let around = if with_around {
        Around::of(&h, module.id, item_id, st.certificates)
    } else {
        None
    };
    let page = ItemPage {
        entry: ItemEntry {
            state: if entry.state == ProgressState::NotStarted && learner && !archived {
                ProgressState::Viewed
            } else {
                entry.state
            },
            ..entry.clone()
        },
        module_title: module.title.clone(),
        html: st.html_of(it),
        url: s("url").filter(|_| entry.kind == ItemKind::Link),
        embed_src: s("embed_src"),
        embed_origin: tool
            .as_ref()
            .map(|t| t.frame_src.clone())
            .or_else(|| s("embed_origin")),
        prev: idx.checked_sub(1).map(|i| entries[i].1.id),
        next: entries.get(idx + 1).map(|(_, i)| i.id),
        next_locked: entries
            .get(idx + 1)
            .is_some_and(|(_, i)| i.locked.is_some()),
        can_complete: learner && !archived && !completed_by_tool(entry.kind, &it.settings),
        media,
        tool,
        package: None,
        records: learner && !archived,
    };
    Ok((page, around))
}

/// Whether an item completes only through what its content reports (a package, or an external
/// tool scored by the tool): then the learner has no "mark as done" of their own.
fn completed_by_tool(kind: ItemKind, settings: &str) -> bool {
    kind == ItemKind::Package
        || kind == ItemKind::Tool
            && crate::lti::ToolItem::of(settings)
                .is_some_and(|t| t.completion != amphi_core::lti::ToolCompletion::Launch)
}

/// Marks an item complete for the learner; progress counters move once.
pub async fn complete_item(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
) -> Result<i64> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    let page = open_item_as(app, user, tenant, run_id, item_id).await?;
    complete_opened(app, user, tenant, run_id, item_id, &page).await
}

/// Completes an item the learner has just opened (the button, or enough of a video watched);
/// progress counters move once. Returns the learner's progress in the run.
pub(crate) async fn complete_opened(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    page: &ItemPage,
) -> Result<i64> {
    if !page.can_complete {
        return Err(Error::Forbidden);
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let e = repo_e::of(&txn, tenant, run_id, user.id.0)
        .await?
        .ok_or(Error::Forbidden)?;
    let run = repo_c::run(&txn, tenant, run_id)
        .await?
        .ok_or(Error::NotFound)?;
    if progress::mark_completed(&txn, tenant, run_id, item_id, user.id.0, now).await?
        && !page.entry.draft
    {
        repo_e::add_completed(&txn, tenant, e.id, item_id, run.item_count, now).await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    let e = repo_e::of(app.db.reader(), tenant, run_id, user.id.0)
        .await?
        .ok_or(Error::Forbidden)?;
    if e.grade_passed {
        // A learner who already passes may now reach the run's minimum completion for a
        // certificate.
        crate::certificates::on_course_result(
            app,
            tenant.0,
            run_id,
            user.id.0,
            true,
            e.grade_percent,
        )
        .await?;
    }
    Ok(percent(e.completed_count, run.item_count))
}

/// A dashboard line: one run the person is in.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardEntry {
    /// The run.
    pub run_id: Uuid,
    /// Run name.
    pub run_name: String,
    /// Course code.
    pub course_code: String,
    /// Course title.
    pub course_title: String,
    /// Role.
    pub role: String,
    /// `active` or `waiting`.
    pub status: String,
    /// Progress, 0–100.
    pub percent: i64,
    /// Finished everything.
    pub completed: bool,
    /// The item to resume at.
    pub resume_item: Option<Uuid>,
    /// Starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// Ended.
    pub archived: bool,
}

/// The runs a person is in, with progress (three queries whatever the number of runs).
pub async fn dashboard(app: &App, caller: &Caller) -> Result<Vec<DashboardEntry>> {
    Ok(dashboard_rows(app, caller)
        .await?
        .into_iter()
        .map(|(d, _, _)| d)
        .collect())
}

/// [`dashboard`] with each entry's run and the person's completed items in it.
pub(crate) async fn dashboard_rows(
    app: &App,
    caller: &Caller,
) -> Result<Vec<(DashboardEntry, rows::CourseRun, i64)>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let ens = repo_e::for_user(app.db.reader(), tenant, user.id.0).await?;
    let run_ids: Vec<Uuid> = ens.iter().map(|e| e.run_id).collect();
    let runs = repo_c::runs_by_ids(app.db.reader(), tenant, &run_ids).await?;
    let course_ids: Vec<Uuid> = runs.iter().map(|r| r.course_id).collect();
    let courses = repo_c::by_ids(app.db.reader(), tenant, &course_ids).await?;
    let now = app.now();
    let mut out = Vec::new();
    for e in ens {
        let Some(r) = runs.iter().find(|r| r.id == e.run_id) else {
            continue;
        };
        let Some(c) = courses.iter().find(|c| c.id == r.course_id) else {
            continue;
        };
        if !r.published && e.role == CourseRole::Learner.as_str() {
            continue;
        }
        let entry = DashboardEntry {
            run_id: r.id,
            run_name: r.name.clone(),
            course_code: c.code.clone(),
            course_title: c.title.clone(),
            role: e.role.clone(),
            status: e.status.clone(),
            percent: percent(e.completed_count, r.item_count),
            completed: e.completed_at.is_some(),
            resume_item: e.last_item_id,
            starts_at: r.starts_at,
            archived: dates_of(r).archived(now),
        };
        out.push((entry, r.clone(), e.completed_count));
    }
    Ok(out)
}

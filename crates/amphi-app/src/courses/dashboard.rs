//! The learner's dashboard: the runs a person is in, each with the button that leads on
//! (start, resume, view), the latest announcements of those runs and what is due soon. Each
//! run's structure (items, their settings, its latest announcements) comes from the cache kept
//! by run version, shared with the course home; the dashboard's own reads are the enrolments
//! of [`learn::dashboard`] and, only when something is due soon, which of those items the
//! learner has already done (two reads whatever the number of items).

use super::announce::Announcement;
use super::dates_of;
use super::learn::{self, DashboardEntry, Structure};
use crate::assessment::assignments::AssignmentSettings;
use crate::assessment::peer::settings::{PeerSettings, Phase};
use crate::assessment::quiz::settings::QuizSettings;
use crate::{App, Caller};
use amphi_core::course::{CourseRole, ItemKind};
use amphi_core::Result;
use amphi_db::repo::{progress, submissions};
use amphi_db::rows;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::Arc;
use uuid::Uuid;

/// Deadlines this many days ahead are "due soon".
const HORIZON_DAYS: i64 = 14;
/// Announcements shown, newest first, across runs.
const ANNOUNCEMENTS: usize = 5;
/// Deadlines shown, soonest first.
const DEADLINES: usize = 8;

/// A run on the dashboard, with what its button does.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// The run and the person's progress.
    #[serde(flatten)]
    pub entry: DashboardEntry,
    /// `start`, `resume` or `view`.
    pub action: &'static str,
    /// The item the button leads to; otherwise the course home (or, for a waiting list, the
    /// course's about page).
    pub item: Option<Uuid>,
}

/// An announcement of one of the person's runs.
#[derive(Debug, Clone, Serialize)]
pub struct RunAnnouncement {
    /// The run.
    pub run_id: Uuid,
    /// Its course's title.
    pub course_title: String,
    /// The announcement.
    #[serde(flatten)]
    pub announcement: Announcement,
}

/// Something the learner has to do before a date.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    /// The run.
    pub run_id: Uuid,
    /// Its course's title.
    pub course_title: String,
    /// The item.
    pub item_id: Uuid,
    /// Its title.
    pub title: String,
    /// `quiz` (closes), `assignment` (due), `peer_submission` or `peer_review` (due).
    pub what: &'static str,
    /// When.
    pub due_at: DateTime<Utc>,
    /// Hours left until then, rounded up (the page says "in 5 hours", "in 3 days").
    pub hours_left: i64,
}

/// The dashboard of one person.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The runs the person is in.
    pub courses: Vec<Card>,
    /// The latest announcements of the runs the person is active in.
    pub announcements: Vec<RunAnnouncement>,
    /// What the person has to do soon as a learner, soonest first.
    pub deadlines: Vec<Deadline>,
}

/// The first item of a run a learner can open now, if any.
fn first_item(s: &Structure, now: DateTime<Utc>) -> Option<Uuid> {
    s.modules
        .iter()
        .filter(|m| m.published && m.available_from.is_none_or(|d| d <= now))
        .find_map(|m| s.items.iter().find(|i| i.module_id == m.id && i.published))
        .filter(|i| i.available_from.is_none_or(|d| d <= now) && i.requires_item_id.is_none())
        .map(|i| i.id)
}

/// The button of a card.
fn card(e: DashboardEntry, completed: i64, s: Option<&Structure>, now: DateTime<Utc>) -> Card {
    let learning = e.role == CourseRole::Learner.as_str()
        && e.status == "active"
        && !e.archived
        && !e.completed
        && e.starts_at.is_none_or(|d| d <= now);
    let (action, item) = if !learning {
        ("view", None)
    } else {
        let go = if completed == 0 { "start" } else { "resume" };
        (
            go,
            e.resume_item.or_else(|| s.and_then(|s| first_item(s, now))),
        )
    };
    Card {
        entry: e,
        action,
        item,
    }
}

/// When an item of a deadline kind is due, and what is due then.
fn due(it: &rows::CourseItem, now: DateTime<Utc>) -> Option<(&'static str, DateTime<Utc>)> {
    match it.kind().ok()? {
        ItemKind::Quiz => Some(("quiz", QuizSettings::of(it).closes_at?)),
        ItemKind::Assignment => {
            let a = AssignmentSettings::of(it);
            let d = a.due_at.filter(|d| *d > now).or(a.hard_deadline)?;
            Some(("assignment", d))
        }
        ItemKind::Peer => {
            let p = PeerSettings::of(it);
            match p.phase(now) {
                Phase::Submission => Some(("peer_submission", p.submission_until?)),
                Phase::Review => Some(("peer_review", p.review_until?)),
                Phase::Closed | Phase::Results => None,
            }
        }
        _ => None,
    }
}

/// The dashboard: the person's runs with their buttons, the latest announcements and what is
/// due within two weeks.
pub async fn dashboard(app: &App, caller: &Caller) -> Result<Dashboard> {
    let tenant = caller.tenant;
    let now = app.now();
    let rows = learn::dashboard_rows(app, caller).await?;
    let mut courses = Vec::with_capacity(rows.len());
    let mut announcements = Vec::new();
    let mut deadlines = Vec::new();
    for (e, run, completed) in rows {
        let active = e.status == "active";
        let s: Option<Arc<Structure>> = if active {
            Some(learn::structure_of(app, tenant, &run).await?)
        } else {
            None
        };
        if let Some(s) = &s {
            announcements.extend(s.announcements.iter().map(|a| RunAnnouncement {
                run_id: e.run_id,
                course_title: e.course_title.clone(),
                announcement: a.clone(),
            }));
            let learning = e.role == CourseRole::Learner.as_str()
                && !e.archived
                && dates_of(&run).started(now);
            if learning {
                deadlines.extend(due_soon(s, &e, now));
            }
        }
        courses.push(card(e, completed, s.as_deref(), now));
    }
    announcements.sort_by_key(|a| std::cmp::Reverse(a.announcement.created_at));
    announcements.truncate(ANNOUNCEMENTS);
    let done = done_among(app, caller, &deadlines).await?;
    deadlines.retain(|d| !done.contains(&d.item_id));
    deadlines.sort_by_key(|d| d.due_at);
    deadlines.truncate(DEADLINES);
    Ok(Dashboard {
        courses,
        announcements,
        deadlines,
    })
}

/// The visible items of a run due within the horizon.
fn due_soon(s: &Structure, e: &DashboardEntry, now: DateTime<Utc>) -> Vec<Deadline> {
    let horizon = now + Duration::days(HORIZON_DAYS);
    let published: HashSet<Uuid> = s
        .modules
        .iter()
        .filter(|m| m.published)
        .map(|m| m.id)
        .collect();
    s.items
        .iter()
        .filter(|i| i.published && published.contains(&i.module_id))
        .filter_map(|i| {
            let (what, at) = due(i, now)?;
            (at > now && at <= horizon).then(|| Deadline {
                run_id: e.run_id,
                course_title: e.course_title.clone(),
                item_id: i.id,
                title: i.title.clone(),
                what,
                due_at: at,
                hours_left: ((at - now).num_minutes() + 59) / 60,
            })
        })
        .collect()
}

/// Which deadlines the learner has already met: quizzes completed, work handed in (reviews
/// stay listed until their phase closes).
async fn done_among(app: &App, caller: &Caller, due: &[Deadline]) -> Result<HashSet<Uuid>> {
    let (tenant, user) = (caller.tenant, caller.user.id.0);
    let of = |what: &[&str]| -> Vec<Uuid> {
        due.iter()
            .filter(|d| what.contains(&d.what))
            .map(|d| d.item_id)
            .collect()
    };
    let (quizzes, work) = (of(&["quiz"]), of(&["assignment", "peer_submission"]));
    let mut done: HashSet<Uuid> = HashSet::new();
    done.extend(progress::completed_among(app.db.reader(), tenant, user, &quizzes).await?);
    done.extend(submissions::submitted_among(app.db.reader(), tenant, user, &work).await?);
    Ok(done)
}

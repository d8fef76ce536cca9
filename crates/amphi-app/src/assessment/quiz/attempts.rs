//! Taking a quiz: the quiz page (attempts, grade kept, whether one may start) and starting an
//! attempt (release rules, dates, attempts left; questions drawn and snapshotted).

use super::access::{load, loaded};
use super::closing::{close_expired_of, kept};
use super::settings::{max_points_of, QuizSettings, Slot};
use super::stored::AttemptQuestion;
use crate::courses::{self, learn};
use crate::{App, Caller};
use amphi_core::assessment::{AttemptStatus, Question, SplitMix64};
use amphi_core::course::CourseRole;
use amphi_core::{codes, Error, ItemId, Result, RunId, TenantId};
use amphi_db::repo::{questions as repo_q, quiz as repo};
use amphi_db::rows;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A quiz as its learner sees it before and between attempts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuizIntro {
    /// The item.
    pub item_id: Uuid,
    /// Title.
    pub title: String,
    /// Settings.
    pub settings: QuizSettings,
    /// Maximum points.
    pub max_points: f64,
    /// Questions per attempt.
    pub question_count: u32,
    /// The learner's attempts, newest first.
    pub attempts: Vec<AttemptSummary>,
    /// The grade kept, if any attempt was submitted.
    pub kept: Option<f64>,
    /// Why the viewer may not start an attempt now (`quiz_closed`, …); None when they may
    /// start or resume one.
    pub blocked: Option<String>,
    /// An attempt in progress to resume.
    pub open_attempt: Option<Uuid>,
}

/// One attempt in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptSummary {
    /// Id.
    pub id: Uuid,
    /// 1, 2, …
    pub number: i32,
    /// `open` or `submitted`.
    pub status: String,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Score, when submitted and the feedback rules show it.
    pub score: Option<f64>,
    /// Maximum.
    pub max_score: f64,
    /// Essays await a grader.
    pub pending: bool,
}

/// Questions per attempt.
fn question_count(s: &QuizSettings) -> u32 {
    s.slots
        .iter()
        .map(|sl| match sl {
            Slot::Question { .. } => 1,
            Slot::Draw { count, .. } => *count,
        })
        .sum()
}

/// Why the viewer may not start an attempt now (a message code), if so; resuming an open one
/// is always allowed.
fn why_not(
    s: &QuizSettings,
    attempts: &[rows::QuizAttempt],
    learner: bool,
    archived: bool,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if !learner {
        return Err(codes::QUIZ_NOT_LEARNER.into());
    }
    if archived {
        return Err(codes::RUN_ARCHIVED.into());
    }
    if attempts
        .iter()
        .any(|a| matches!(a.status(), Ok(AttemptStatus::Open)))
    {
        return Ok(());
    }
    if question_count(s) == 0 {
        return Err(codes::QUIZ_EMPTY.into());
    }
    if s.opens_at.is_some_and(|o| now < o) {
        return Err(codes::QUIZ_NOT_OPEN.into());
    }
    if s.closes_at.is_some_and(|c| now >= c) {
        return Err(codes::QUIZ_CLOSED.into());
    }
    if s.attempts > 0 && attempts.len() as u32 >= s.attempts {
        return Err(codes::QUIZ_NO_ATTEMPTS_LEFT.into());
    }
    Ok(())
}

/// The quiz page: settings, the learner's attempts, the grade kept, and whether they may start.
/// Attempts left open past their deadline are graded first.
pub async fn intro(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
) -> Result<QuizIntro> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    let l = load(app, user, tenant, run_id, item_id).await?;
    let now = app.now();
    let mut attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    if close_expired_of(app, &l, &mut attempts, now).await? {
        attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    }
    let learner = l.a.role() == Some(CourseRole::Learner);
    let archived = courses::dates_of(&l.a.run).archived(now);
    let show_score = l.settings.revealed(l.settings.feedback, now);
    Ok(QuizIntro {
        item_id,
        title: l.item.title.clone(),
        max_points: max_points_of(&l.item),
        question_count: question_count(&l.settings),
        kept: kept(l.settings.keep, &attempts).filter(|_| show_score),
        blocked: why_not(&l.settings, &attempts, learner, archived, now).err(),
        open_attempt: attempts
            .iter()
            .find(|a| matches!(a.status(), Ok(AttemptStatus::Open)))
            .map(|a| a.id),
        attempts: attempts
            .iter()
            .rev()
            .map(|a| AttemptSummary {
                id: a.id,
                number: a.number,
                status: a.status.clone(),
                started_at: a.started_at,
                submitted_at: a.submitted_at,
                score: a
                    .score
                    .filter(|_| show_score && matches!(a.status(), Ok(AttemptStatus::Submitted))),
                max_score: a.max_score,
                pending: a.pending,
            })
            .collect(),
        settings: l.settings,
    })
}

/// Starts an attempt (or returns the one in progress). Checks the release rules of the item,
/// the quiz's dates and the attempts left.
pub async fn start(app: &App, caller: &Caller, run_id: RunId, item_id: ItemId) -> Result<Uuid> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    let (a, states) = courses::access_with_progress(app, &user.actor(), tenant, run_id).await?;
    let l = loaded(app, user, tenant, a, item_id).await?;
    // Release rules (dates, prerequisites, sequential mode) as on every item.
    let (home, _) = learn::home_with(app, user, tenant, &l.a, false, states).await?;
    let entry = home
        .modules
        .iter()
        .flat_map(|m| &m.items)
        .find(|i| i.id == item_id)
        .ok_or(Error::NotFound)?;
    if entry.locked.is_some() {
        return Err(Error::Conflict(codes::ITEM_LOCKED));
    }
    let now = app.now();
    let mut attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    if close_expired_of(app, &l, &mut attempts, now).await? {
        attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    }
    if let Some(open) = attempts
        .iter()
        .find(|a| matches!(a.status(), Ok(AttemptStatus::Open)))
    {
        return Ok(open.id);
    }
    let learner = l.a.role() == Some(CourseRole::Learner);
    let archived = courses::dates_of(&l.a.run).archived(now);
    why_not(&l.settings, &attempts, learner, archived, now).map_err(|code| {
        match code.as_str() {
            codes::QUIZ_NOT_LEARNER => Error::Forbidden,
            codes::QUIZ_EMPTY => Error::Conflict(codes::QUIZ_EMPTY),
            codes::QUIZ_NOT_OPEN => Error::Conflict(codes::QUIZ_NOT_OPEN),
            codes::QUIZ_CLOSED => Error::Conflict(codes::QUIZ_CLOSED),
            codes::RUN_ARCHIVED => Error::Conflict(codes::RUN_ARCHIVED),
            _ => Error::Conflict(codes::QUIZ_NO_ATTEMPTS_LEFT),
        }
    })?;
    let seed = rand::random::<u64>() >> 1;
    let questions = draw(app, tenant, l.a.run.course_id, &l.settings, seed).await?;
    let max_score: f64 = questions.iter().map(|q| q.points).sum();
    let deadline = match (l.settings.time_limit_minutes, l.settings.closes_at) {
        (Some(m), Some(c)) => Some((now + Duration::minutes(i64::from(m))).min(c)),
        (Some(m), None) => Some(now + Duration::minutes(i64::from(m))),
        (None, c) => c,
    };
    let number = attempts.iter().map(|a| a.number).max().unwrap_or(0) + 1;
    let id = Uuid::now_v7();
    let row = rows::QuizAttempt {
        id,
        tenant_id: tenant.0,
        run_id,
        item_id,
        user_id: user.id.0,
        number,
        seed: seed as i64,
        status: AttemptStatus::Open.as_str().into(),
        started_at: now,
        deadline_at: deadline,
        submitted_at: None,
        questions: serde_json::to_string(&questions).map_err(Error::internal)?,
        responses: "{}".into(),
        saved_at: None,
        score: None,
        max_score,
        pending: false,
        results: None,
    };
    let learner_id = user.id.0;
    app.write(move |app| async move {
        match repo::insert(app.db.writer(), tenant, row).await {
            Ok(()) => Ok(id),
            // Two starts at once (double click, two tabs): the other one won; use its attempt.
            Err(Error::Conflict(_)) => {
                repo::of_learner(app.db.writer(), tenant, item_id, learner_id)
                    .await?
                    .into_iter()
                    .find(|a| matches!(a.status(), Ok(AttemptStatus::Open)))
                    .map(|a| a.id)
                    .ok_or(Error::Conflict(codes::ATTEMPT_STARTED_TWICE))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

async fn draw(
    app: &App,
    tenant: TenantId,
    course: Uuid,
    s: &QuizSettings,
    seed: u64,
) -> Result<Vec<AttemptQuestion>> {
    let mut rng = SplitMix64::new(seed);
    // Which ids, with which points, in slot order.
    let mut picks: Vec<(Uuid, Option<f64>)> = Vec::new();
    for sl in &s.slots {
        match sl {
            Slot::Question {
                question_id,
                points,
            } => picks.push((*question_id, *points)),
            Slot::Draw {
                category,
                count,
                points,
            } => {
                let mut ids =
                    repo_q::ids_in_category(app.db.reader(), tenant, course, category).await?;
                ids.retain(|id| !picks.iter().any(|(p, _)| p == id));
                if ids.len() < *count as usize {
                    return Err(Error::Conflict(codes::QUIZ_UNAVAILABLE));
                }
                // Partial Fisher–Yates: the first `count` of a random permutation.
                for i in 0..*count as usize {
                    let j = i + rng.below((ids.len() - i) as u64) as usize;
                    ids.swap(i, j);
                    picks.push((ids[i], *points));
                }
            }
        }
    }
    let ids: Vec<Uuid> = picks.iter().map(|(id, _)| *id).collect();
    let rows = repo_q::by_ids(app.db.reader(), tenant, course, &ids).await?;
    let mut out = Vec::with_capacity(picks.len());
    for (id, points) in picks {
        let row = rows
            .iter()
            .find(|r| r.id == id)
            .ok_or(Error::Conflict(codes::QUIZ_UNAVAILABLE))?;
        let question: Question = serde_json::from_str(&row.data).map_err(Error::internal)?;
        out.push(AttemptQuestion {
            points: points.unwrap_or(question.points),
            question,
        });
    }
    if s.shuffle_questions {
        out = amphi_core::assessment::shuffled(&out, seed ^ 0x5EED);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::stored::test_attempt;
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, day, 12, 0, 0).unwrap()
    }

    fn quiz(attempts: u32) -> QuizSettings {
        QuizSettings {
            slots: vec![
                Slot::Question {
                    question_id: Uuid::now_v7(),
                    points: None,
                },
                Slot::Draw {
                    category: "c".into(),
                    count: 4,
                    points: Some(1.0),
                },
            ],
            attempts,
            opens_at: Some(at(2)),
            closes_at: Some(at(10)),
            ..QuizSettings::default()
        }
    }

    #[test]
    fn a_draw_counts_its_questions() {
        assert_eq!(question_count(&quiz(1)), 5);
        assert_eq!(question_count(&QuizSettings::default()), 0);
    }

    #[test]
    fn a_learner_starts_while_the_quiz_is_open_and_attempts_are_left() {
        let s = quiz(2);
        let one = [test_attempt(1, AttemptStatus::Submitted, Some(1.0))];
        assert_eq!(why_not(&s, &one, true, false, at(5)), Ok(()));
        let why = |attempts: &[rows::QuizAttempt], learner, archived, day| {
            why_not(&s, attempts, learner, archived, at(day)).err()
        };
        assert_eq!(
            why(&one, false, false, 5).as_deref(),
            Some("quiz_not_learner")
        );
        assert_eq!(why(&one, true, true, 5).as_deref(), Some("run_archived"));
        assert_eq!(why(&one, true, false, 1).as_deref(), Some("quiz_not_open"));
        assert_eq!(why(&one, true, false, 10).as_deref(), Some("quiz_closed"));
        let two = [
            one[0].clone(),
            test_attempt(2, AttemptStatus::Submitted, Some(2.0)),
        ];
        assert_eq!(
            why(&two, true, false, 5).as_deref(),
            Some("quiz_no_attempts_left")
        );
        let empty = QuizSettings::default();
        assert_eq!(
            why_not(&empty, &[], true, false, at(5)).err().as_deref(),
            Some("quiz_empty")
        );
    }

    #[test]
    fn an_open_attempt_can_always_be_resumed() {
        let open = [test_attempt(1, AttemptStatus::Open, None)];
        assert_eq!(why_not(&quiz(1), &open, true, false, at(11)), Ok(()));
        assert_eq!(why_not(&quiz(0), &open, true, false, at(5)), Ok(()));
    }
}

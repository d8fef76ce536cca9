//! Closing an attempt: grading it, recording the grade kept in the gradebook and the item's
//! completion in one transaction; attempts left open past their deadline are closed when next
//! looked at, and by the worker's sweep ([`close_expired`]).

use super::access::Loaded;
use super::settings::{max_points_of, Keep, QuizSettings};
use super::stored::{parse_questions, parse_responses, AttemptQuestion, GRACE_SECONDS};
use crate::assessment::gradebook;
use crate::App;
use amphi_core::assessment::AttemptStatus;
use amphi_core::assessment::{score, Response, Scored};
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{
    courses as repo_c, enrolments as repo_e, grades as repo_g, progress, quiz as repo, structure,
};
use amphi_db::rows;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// The grade kept of a learner's attempts at a quiz, by its rule (None before a submission).
pub(super) fn kept(keep: Keep, attempts: &[rows::QuizAttempt]) -> Option<f64> {
    let done: Vec<&rows::QuizAttempt> = attempts
        .iter()
        .filter(|a| matches!(a.status(), Ok(AttemptStatus::Submitted)) && a.score.is_some())
        .collect();
    if done.is_empty() {
        return None;
    }
    let scores = done.iter().filter_map(|a| a.score);
    Some(match keep {
        Keep::Highest => scores.fold(0.0, f64::max),
        Keep::Last => done
            .iter()
            .max_by_key(|a| a.number)
            .and_then(|a| a.score)
            .unwrap_or(0.0),
        Keep::Average => {
            let v: Vec<f64> = scores.collect();
            v.iter().sum::<f64>() / v.len() as f64
        }
    })
}

/// Grades the learner's attempts that are open past their deadline; true if any was.
pub(super) async fn close_expired_of(
    app: &App,
    l: &Loaded,
    attempts: &mut [rows::QuizAttempt],
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut any = false;
    for a in attempts.iter() {
        if a.status()? == AttemptStatus::Open && expired(a, now) {
            finish_loaded(app, a.clone(), l, now).await?;
            any = true;
        }
    }
    Ok(any)
}

/// Whether an attempt is past its deadline and the network grace.
pub(super) fn expired(a: &rows::QuizAttempt, now: DateTime<Utc>) -> bool {
    a.deadline_at
        .is_some_and(|d| now > d + Duration::seconds(GRACE_SECONDS))
}

/// `finish` for an attempt of a quiz loaded for the request.
pub(super) async fn finish_loaded(
    app: &App,
    at: rows::QuizAttempt,
    l: &Loaded,
    now: DateTime<Utc>,
) -> Result<bool> {
    let qs = parse_questions(&at)?;
    finish_parsed(app, at, qs, l, now).await
}

/// `finish_loaded` for an attempt whose questions the request has read already (a submit reads
/// them to check the answers: parsing an attempt's questions is the largest part of a submit).
pub(super) async fn finish_parsed(
    app: &App,
    at: rows::QuizAttempt,
    qs: Vec<AttemptQuestion>,
    l: &Loaded,
    now: DateTime<Utc>,
) -> Result<bool> {
    finish(app, at, qs, &l.settings, &l.item, &l.a.run, now).await
}

/// Grades an attempt (`qs`: its questions) and closes it (only if still open: false
/// otherwise), then records the grade kept and marks the item completed.
async fn finish(
    app: &App,
    at: rows::QuizAttempt,
    qs: Vec<AttemptQuestion>,
    s: &QuizSettings,
    item: &rows::CourseItem,
    run: &rows::CourseRun,
    now: DateTime<Utc>,
) -> Result<bool> {
    let responses = parse_responses(&at);
    let mut results = BTreeMap::new();
    let mut total = 0.0;
    let mut pending = false;
    for q in &qs {
        let id = q.question.id.0;
        let r = responses
            .get(&id)
            .cloned()
            .unwrap_or_else(|| Response::empty_for(&q.question));
        // A saved response was checked when saved; if the bank type changed under it, it
        // scores as empty rather than failing the whole attempt.
        let scored = score(&q.question, &r)
            .or_else(|_| score(&q.question, &Response::empty_for(&q.question)))
            .unwrap_or(Scored::Graded {
                fraction: 0.0,
                points: 0.0,
            });
        let scored = match scored {
            Scored::Graded { fraction, .. } => Scored::Graded {
                fraction,
                points: fraction * q.points,
            },
            Scored::NeedsGrading => {
                pending = true;
                Scored::NeedsGrading
            }
        };
        if let Scored::Graded { points, .. } = scored {
            total += points;
        }
        results.insert(id, scored);
    }
    let total = (total * 100.0).round() / 100.0;
    let deadline_cut = at.deadline_at.filter(|d| now > *d);
    let submitted_at = deadline_cut.unwrap_or(now);
    let results = serde_json::to_string(&results).map_err(Error::internal)?;
    let keep = s.keep;
    let max_of_item = max_points_of(item);
    let published = item.published;
    let (item_count, version) = (run.item_count, run.version);
    // The transaction goes to the database's write path as one piece (on SQLite, the write
    // thread): the grading above needs no lock.
    let written = app
        .write(move |app| async move {
            let app = &app;
            let txn = app.db.begin().await?;
            let tenant = TenantId(at.tenant_id);
            let graded = (results.as_str(), total, pending);
            let closed =
                repo::close(&txn, tenant, at.id, &at.responses, graded, submitted_at).await?;
            if !closed {
                return Ok(None);
            }
            // The learner's attempts, for the grade kept. A first attempt is the only one:
            // attempts are numbered per learner and item (unique), and none is started while
            // one is open.
            let all = if at.number == 1 {
                vec![rows::QuizAttempt {
                    status: AttemptStatus::Submitted.as_str().into(),
                    score: Some(total),
                    pending,
                    submitted_at: Some(submitted_at),
                    ..at.clone()
                }]
            } else {
                repo::of_learner(&txn, tenant, at.item_id, at.user_id).await?
            };
            let (e, grades) =
                repo_g::enrolment_with_grades(&txn, tenant, at.run_id, at.user_id).await?;
            // Completion: a submitted quiz is done, whatever the score. It is counted on the
            // enrolment in the same update as the course grade.
            let newly_done =
                progress::mark_completed(&txn, tenant, at.run_id, at.item_id, at.user_id, now)
                    .await?;
            let completed = match &e {
                Some(_) if newly_done && published => Some((at.item_id, item_count)),
                _ => None,
            };
            // The grade kept goes to the gradebook in the same transaction: one commit per
            // submission.
            let max = if at.max_score > 0.0 {
                at.max_score
            } else {
                max_of_item
            };
            let report = gradebook::updates::GradeReport {
                tenant_id: at.tenant_id,
                run_id: at.run_id,
                item_id: at.item_id,
                user_id: at.user_id,
                points: kept(keep, &all),
                max_points: max,
            };
            let outcome = if max > 0.0 {
                let v = Some(version);
                let r = &report;
                Some(
                    gradebook::updates::record_for(&txn, app, r, e.as_ref(), grades, v, completed)
                        .await?,
                )
            } else {
                if let (Some(e), Some((item, count))) = (&e, completed) {
                    repo_e::add_completed(&txn, tenant, e.id, item, count, now).await?;
                }
                None
            };
            txn.commit().await.map_err(Error::internal)?;
            Ok(Some((report, outcome)))
        })
        .await?;
    let Some((report, outcome)) = written else {
        return Ok(false);
    };
    if let Some(o) = outcome {
        gradebook::updates::after_record(app, &report, o).await?;
    }
    Ok(true)
}

/// Grades every attempt left open past its deadline (housekeeping); returns how many.
pub async fn close_expired(app: &App, limit: u64) -> Result<u64> {
    let now = app.now();
    let due = repo::expired_open(
        app.db.reader(),
        now - Duration::seconds(GRACE_SECONDS),
        limit,
    )
    .await?;
    let mut n = 0;
    for at in due {
        let tenant = TenantId(at.tenant_id);
        let Some(item) = structure::item(app.db.reader(), tenant, at.run_id, at.item_id).await?
        else {
            continue;
        };
        let Some(run) = repo_c::run(app.db.reader(), tenant, at.run_id).await? else {
            continue;
        };
        let s = QuizSettings::of(&item);
        let qs = parse_questions(&at)?;
        if finish(app, at, qs, &s, &item, &run, now).await? {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::super::stored::test_attempt as attempt;
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, h, m, s).unwrap()
    }

    #[test]
    fn the_grade_kept_follows_the_rule_over_submitted_attempts_only() {
        let all = [
            attempt(1, AttemptStatus::Submitted, Some(4.0)),
            attempt(2, AttemptStatus::Submitted, Some(8.0)),
            attempt(3, AttemptStatus::Submitted, Some(6.0)),
            // Neither an open attempt nor one without a score counts.
            attempt(4, AttemptStatus::Open, Some(10.0)),
            attempt(5, AttemptStatus::Submitted, None),
        ];
        assert_eq!(kept(Keep::Highest, &all), Some(8.0));
        assert_eq!(kept(Keep::Last, &all), Some(6.0));
        assert_eq!(kept(Keep::Average, &all), Some(6.0));
    }

    #[test]
    fn nothing_is_kept_before_a_submission() {
        let open = [attempt(1, AttemptStatus::Open, None)];
        assert_eq!(kept(Keep::Highest, &open), None);
        assert_eq!(kept(Keep::Average, &[]), None);
    }

    #[test]
    fn an_attempt_expires_after_its_deadline_and_the_grace() {
        let mut a = attempt(1, AttemptStatus::Open, None);
        assert!(!expired(&a, at(23, 0, 0)), "untimed attempts never expire");
        a.deadline_at = Some(at(10, 0, 0));
        assert!(!expired(&a, at(10, 0, GRACE_SECONDS as u32)));
        assert!(expired(&a, at(10, 0, GRACE_SECONDS as u32 + 1)));
    }
}

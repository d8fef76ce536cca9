//! Essays waiting for a grader, and manual grading of one attempt's essays.

use super::closing::kept;
use super::settings::QuizSettings;
use super::stored::{parse_questions, parse_responses, parse_results};
use super::view::md;
use crate::assessment::gradebook;
use crate::courses::access;
use crate::{App, Caller};
use amphi_core::assessment::{AttemptStatus, Response, Scored};
use amphi_core::error::Fields;
use amphi_core::policy::Action;
use amphi_core::{codes, AttemptId, Error, ItemId, Result, RunId};
use amphi_db::repo::{quiz as repo, structure};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One attempt with essays to grade.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingAttempt {
    /// Attempt id (cursor).
    pub id: Uuid,
    /// Learner.
    pub user_id: Uuid,
    /// Number.
    pub number: i32,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Essays: question id, prompt (HTML), text (plain), points.
    pub essays: Vec<PendingEssay>,
}

/// One essay to grade.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingEssay {
    /// Question id.
    pub question_id: Uuid,
    /// Prompt (HTML).
    pub prompt_html: String,
    /// The learner's text.
    pub text: String,
    /// Points available.
    pub points: f64,
}

/// Attempts of a quiz whose essays wait for a grader, keyset-paginated.
pub async fn queue(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    after: Option<Uuid>,
) -> Result<(Vec<PendingAttempt>, Option<Uuid>)> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    access(app, Some(&user.actor()), tenant, run_id, Action::Grade).await?;
    let rows = repo::pending(app.db.reader(), tenant, item_id, after, 51).await?;
    let next = (rows.len() > 50).then(|| rows[49].id);
    let mut out = Vec::new();
    for at in rows.into_iter().take(50) {
        if at.run_id != run_id {
            continue;
        }
        let qs = parse_questions(&at)?;
        let responses = parse_responses(&at);
        let results = parse_results(&at);
        let essays = qs
            .iter()
            .filter(|q| matches!(results.get(&q.question.id.0), Some(Scored::NeedsGrading)))
            .map(|q| PendingEssay {
                question_id: q.question.id.0,
                prompt_html: md(&q.question.prompt),
                text: match responses.get(&q.question.id.0) {
                    Some(Response::Essay { text }) => text.clone(),
                    _ => String::new(),
                },
                points: q.points,
            })
            .collect();
        out.push(PendingAttempt {
            id: at.id,
            user_id: at.user_id,
            number: at.number,
            submitted_at: at.submitted_at,
            essays,
        });
    }
    Ok((out, next))
}

/// Grades the essays of one attempt: question id -> points. Every essay of the attempt
/// must be graded at once, within its points.
pub async fn grade(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    attempt_id: AttemptId,
    points: &BTreeMap<Uuid, f64>,
) -> Result<()> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, attempt_id) = (run_id.0, attempt_id.0);
    access(app, Some(&user.actor()), tenant, run_id, Action::Grade).await?;
    let at = repo::by_id(app.db.reader(), tenant, attempt_id)
        .await?
        .filter(|a| a.run_id == run_id)
        .ok_or(Error::NotFound)?;
    if at.status()? != AttemptStatus::Submitted || !at.pending {
        return Err(Error::Conflict(codes::ATTEMPT_NOT_PENDING));
    }
    let qs = parse_questions(&at)?;
    let mut results = parse_results(&at);
    let mut fields = Fields::new();
    for (id, p) in points {
        let field = format!("points.{id}");
        match qs.iter().find(|q| q.question.id.0 == *id) {
            Some(q) if matches!(results.get(id), Some(Scored::NeedsGrading)) => {
                if !p.is_finite() || *p < 0.0 || *p > q.points {
                    fields.push(&field, codes::OUT_OF_RANGE);
                }
            }
            _ => fields.push(&field, codes::QUESTION_UNKNOWN),
        }
    }
    for (id, r) in &results {
        if matches!(r, Scored::NeedsGrading) && !points.contains_key(id) {
            fields.push(&format!("points.{id}"), codes::REQUIRED);
        }
    }
    fields.finish()?;
    for (id, p) in points {
        let max = qs
            .iter()
            .find(|q| q.question.id.0 == *id)
            .map(|q| q.points)
            .unwrap_or(1.0);
        results.insert(
            *id,
            Scored::Graded {
                fraction: p / max,
                points: *p,
            },
        );
    }
    let total: f64 = results
        .values()
        .map(|r| match r {
            Scored::Graded { points, .. } => *points,
            Scored::NeedsGrading => 0.0,
        })
        .sum();
    let total = (total * 100.0).round() / 100.0;
    let updated = repo::regrade(
        app.db.writer(),
        tenant,
        at.id,
        &serde_json::to_string(&results).map_err(Error::internal)?,
        total,
    )
    .await?;
    if !updated {
        return Err(Error::Conflict(codes::ATTEMPT_NOT_PENDING));
    }
    let item = structure::item(app.db.reader(), tenant, run_id, at.item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let s = QuizSettings::of(&item);
    let all = repo::of_learner(app.db.reader(), tenant, at.item_id, at.user_id).await?;
    gradebook::updates::record(
        app,
        gradebook::updates::GradeReport {
            tenant_id: tenant.0,
            run_id,
            item_id: at.item_id,
            user_id: at.user_id,
            points: kept(s.keep, &all),
            max_points: at.max_score,
        },
    )
    .await?;
    Ok(())
}

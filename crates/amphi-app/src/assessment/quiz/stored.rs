//! An attempt as stored: its states, the questions it snapshotted, its answers and its results.

use amphi_core::assessment::{Question, Response, Scored};
use amphi_core::{Error, Result};
use amphi_db::rows;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Seconds of network grace after a deadline during which answers still count.
pub const GRACE_SECONDS: i64 = 5;

/// A question as one attempt shows it: the question (snapshot) and its points in the quiz.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptQuestion {
    /// The question as it was when the attempt started.
    pub question: Question,
    /// Its points in this quiz.
    pub points: f64,
}

/// The questions an attempt shows.
pub(super) fn parse_questions(a: &rows::QuizAttempt) -> Result<Vec<AttemptQuestion>> {
    serde_json::from_str(&a.questions).map_err(Error::internal)
}

/// The answers saved in an attempt (none if unreadable).
pub(super) fn parse_responses(a: &rows::QuizAttempt) -> BTreeMap<Uuid, Response> {
    serde_json::from_str(&a.responses).unwrap_or_default()
}

/// The per-question results of a graded attempt.
pub(super) fn parse_results(a: &rows::QuizAttempt) -> BTreeMap<Uuid, Scored> {
    a.results
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default()
}

/// An attempt of a quiz with no questions, for the tests of the parts that read attempts.
#[cfg(test)]
pub(super) fn test_attempt(
    number: i32,
    status: amphi_core::assessment::AttemptStatus,
    score: Option<f64>,
) -> rows::QuizAttempt {
    use chrono::TimeZone;
    rows::QuizAttempt {
        id: Uuid::now_v7(),
        tenant_id: Uuid::now_v7(),
        run_id: Uuid::now_v7(),
        item_id: Uuid::now_v7(),
        user_id: Uuid::now_v7(),
        number,
        seed: 7,
        status: status.as_str().into(),
        started_at: chrono::Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap(),
        deadline_at: None,
        submitted_at: None,
        questions: "[]".into(),
        responses: "{}".into(),
        saved_at: None,
        score,
        max_score: 10.0,
        pending: false,
        results: None,
    }
}

/// A question of the given kind worth 2 points, as an attempt snapshots it, for the tests of
/// the parts that show and read answers.
#[cfg(test)]
pub(super) fn test_question(
    prompt: &str,
    kind: amphi_core::assessment::QuestionKind,
) -> AttemptQuestion {
    AttemptQuestion {
        question: Question {
            id: amphi_core::assessment::QuestionId::new(),
            title: "t".into(),
            prompt: prompt.into(),
            points: 2.0,
            general_feedback: String::new(),
            kind,
        },
        points: 2.0,
    }
}

/// Options with these (id, text, credit), for the tests.
#[cfg(test)]
pub(super) fn test_options(o: &[(u32, &str, f64)]) -> Vec<amphi_core::assessment::ChoiceOption> {
    o.iter()
        .map(|(id, text, credit)| amphi_core::assessment::ChoiceOption {
            id: amphi_core::assessment::OptionId(*id),
            text: (*text).into(),
            credit: *credit,
            feedback: String::new(),
        })
        .collect()
}

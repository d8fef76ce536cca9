//! A quiz's settings, kept in its course item's `settings` under `quiz`: what it shows (fixed
//! questions and draws from the bank), attempts, time limit, dates, which attempt counts, and
//! when feedback and correct answers are shown.

use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Most questions one attempt may show.
pub const MAX_QUESTIONS: u32 = 200;

/// One entry of a quiz: a fixed question, or `count` questions drawn from a bank category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Slot {
    /// One question of the bank.
    Question {
        /// Its id.
        question_id: Uuid,
        /// Points in this quiz (None: the question's own points).
        #[serde(default)]
        points: Option<f64>,
    },
    /// Questions drawn at random, per attempt, from a category.
    Draw {
        /// Category path.
        category: String,
        /// How many.
        count: u32,
        /// Points of each question drawn (None: each question's own points).
        #[serde(default)]
        points: Option<f64>,
    },
}

/// Which attempt counts in the gradebook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The best one.
    #[default]
    Highest,
    /// The latest one.
    Last,
    /// The mean of all.
    Average,
}

/// When the learner sees something of a submitted attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reveal {
    /// As soon as the attempt is submitted.
    #[default]
    Immediately,
    /// Once the quiz has closed.
    AfterClose,
    /// Never.
    Never,
}

/// A quiz's settings, kept in its course item's `settings` under `quiz`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuizSettings {
    /// What the quiz shows, in order.
    #[serde(default)]
    pub slots: Vec<Slot>,
    /// Each attempt shows the questions in its own order.
    #[serde(default)]
    pub shuffle_questions: bool,
    /// Each attempt shows the options of choice, matching and ordering questions in its own
    /// order (when the question allows it).
    #[serde(default = "yes")]
    pub shuffle_answers: bool,
    /// Attempts allowed (0: unlimited).
    #[serde(default = "one")]
    pub attempts: u32,
    /// Time limit in minutes (None: untimed).
    #[serde(default)]
    pub time_limit_minutes: Option<u32>,
    /// Opens at.
    #[serde(default)]
    pub opens_at: Option<DateTime<Utc>>,
    /// Closes at: no attempt starts after it, and open ones end at it.
    #[serde(default)]
    pub closes_at: Option<DateTime<Utc>>,
    /// Which attempt counts.
    #[serde(default)]
    pub keep: Keep,
    /// When the score and per-question feedback are shown.
    #[serde(default)]
    pub feedback: Reveal,
    /// When the correct answers are shown.
    #[serde(default = "after_close")]
    pub answers: Reveal,
    /// Share of the points needed to pass the quiz, 0–100 (absent: no pass mark, and the
    /// result says neither "passed" nor "not passed").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_percent: Option<f64>,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn after_close() -> Reveal {
    Reveal::AfterClose
}

impl Default for QuizSettings {
    fn default() -> Self {
        QuizSettings {
            slots: Vec::new(),
            shuffle_questions: false,
            shuffle_answers: true,
            attempts: 1,
            time_limit_minutes: None,
            opens_at: None,
            closes_at: None,
            keep: Keep::Highest,
            feedback: Reveal::Immediately,
            answers: Reveal::AfterClose,
            pass_percent: None,
        }
    }
}

impl QuizSettings {
    /// The settings of a quiz item (defaults when none were saved).
    pub fn of(it: &rows::CourseItem) -> Self {
        serde_json::from_str::<serde_json::Value>(&it.settings)
            .ok()
            .and_then(|v| v.get("quiz").cloned())
            .and_then(|q| serde_json::from_value(q).ok())
            .unwrap_or_default()
    }

    /// Whether what `r` governs is shown at `now`.
    pub(super) fn revealed(&self, r: Reveal, now: DateTime<Utc>) -> bool {
        match r {
            Reveal::Immediately => true,
            Reveal::AfterClose => self.closes_at.is_some_and(|c| c <= now),
            Reveal::Never => false,
        }
    }
}

/// The maximum points of a quiz item, as its settings were last saved.
pub(super) fn max_points_of(it: &rows::CourseItem) -> f64 {
    serde_json::from_str::<serde_json::Value>(&it.settings)
        .ok()
        .and_then(|v| v.get("max_points").and_then(|m| m.as_f64()))
        .unwrap_or(0.0)
}

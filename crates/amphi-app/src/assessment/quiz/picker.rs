//! The quiz's question picker: the course's bank searched by category, type and words of the
//! title, ticked questions added with their points, and random draws from a category. Each
//! addition is checked and saved like the settings page (`authoring::configure`), and its
//! errors are named by the picker's own fields.

use super::authoring::{configure, for_editing};
use super::settings::Slot;
use crate::assessment::bank::{view_question, BankQuestion};
use crate::courses::access_for;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::policy::Action;
use amphi_core::{Error, FieldError, ItemId, Result, RunId};
use amphi_db::repo::questions::{self as repo_q, Search};
use serde::Serialize;
use uuid::Uuid;

/// Most questions the picker lists at once (a narrower search shows the rest).
pub const PICKER_LIMIT: u64 = 200;

/// What the picker shows: the questions found, whether there were more, and every category
/// with how many questions it holds.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// Questions matching the search.
    pub questions: Vec<BankQuestion>,
    /// More matched than [`PICKER_LIMIT`].
    pub more: bool,
    /// Categories with their question counts.
    pub categories: Vec<(String, i64)>,
    /// The question types the bank holds.
    pub kinds: Vec<String>,
}

/// Searches the bank of the quiz's course (course team): any of words of the title, a
/// category and a question type.
pub async fn find(
    app: &App,
    caller: &Caller,
    run: RunId,
    text: Option<&str>,
    category: Option<&str>,
    kind: Option<&str>,
) -> Result<Found> {
    let s = &Search {
        category,
        kind,
        text,
    };
    let tenant = caller.tenant;
    let course = bank_of(app, caller, run).await?;
    let c = app.db.reader();
    let (rows, more) = repo_q::search(c, tenant, course, s, PICKER_LIMIT).await?;
    let categories = repo_q::categories(c, tenant, course).await?;
    let mut kinds: Vec<String> = repo_q::all(c, tenant, course)
        .await?
        .into_iter()
        .map(|q| q.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    Ok(Found {
        questions: rows.iter().map(view_question).collect(),
        more,
        categories,
        kinds,
    })
}

/// Renames the errors of the slots from `first` on with `name` (the picker's field for that
/// new slot and part), leaving other errors as they are.
fn renamed(e: Error, first: usize, name: impl Fn(usize, &str) -> String) -> Error {
    let Error::Validation(v) = e else { return e };
    Error::Validation(
        v.into_iter()
            .map(|f| {
                let parsed = f.field.strip_prefix("slots[").and_then(|rest| {
                    let (n, part) = rest.split_once(']')?;
                    Some((
                        n.parse::<usize>().ok()?,
                        part.trim_start_matches('.').to_owned(),
                    ))
                });
                match parsed {
                    Some((n, part)) if n >= first => {
                        FieldError::new(&name(n - first, &part), &f.code)
                    }
                    _ => f,
                }
            })
            .collect(),
    )
}

/// Adds ticked questions at the end of a quiz, each with its points (None: the question's
/// own); questions already in the quiz are skipped. Errors are named `points.<question id>`.
/// Returns how many were added.
pub async fn add_questions(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    picks: &[(Uuid, Option<f64>)],
) -> Result<usize> {
    let (_, mut s) = for_editing(app, caller, run, item).await?;
    if picks.is_empty() {
        return Err(Error::field("question", codes::REQUIRED));
    }
    let first = s.slots.len();
    let mut added = Vec::new();
    for (id, points) in picks {
        let present = s
            .slots
            .iter()
            .any(|sl| matches!(sl, Slot::Question { question_id, .. } if question_id == id));
        if !present && !added.contains(id) {
            added.push(*id);
            s.slots.push(Slot::Question {
                question_id: *id,
                points: *points,
            });
        }
    }
    let n = added.len();
    configure(app, caller, run, item, s).await.map_err(|e| {
        renamed(e, first, |i, part| match (added.get(i), part) {
            (Some(id), "points") => format!("points.{id}"),
            (Some(id), _) => format!("question.{id}"),
            (None, _) => "question".into(),
        })
    })?;
    Ok(n)
}

/// Adds a random draw at the end of a quiz: `count` questions from `category` for each
/// attempt, `points` each. Errors are named `draw_category`, `draw_count` and `draw_points`.
pub async fn add_draw(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    category: &str,
    count: &str,
    points: &str,
) -> Result<()> {
    let mut fields = Fields::new();
    let category = category.trim();
    if category.is_empty() {
        fields.push("draw_category", codes::REQUIRED);
    }
    let count = match count.trim().parse::<u32>() {
        Ok(n) if n > 0 => Some(n),
        Ok(_) => {
            fields.push("draw_count", codes::OUT_OF_RANGE);
            None
        }
        Err(_) => {
            fields.push("draw_count", codes::NUMBER_INVALID);
            None
        }
    };
    let points = match points.trim().replace(',', ".").parse::<f64>() {
        Ok(p) => Some(p),
        Err(_) => {
            fields.push(
                "draw_points",
                if points.trim().is_empty() {
                    codes::REQUIRED
                } else {
                    codes::NUMBER_INVALID
                },
            );
            None
        }
    };
    fields.finish()?;
    let (Some(count), Some(points)) = (count, points) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let (_, mut s) = for_editing(app, caller, run, item).await?;
    let first = s.slots.len();
    s.slots.push(Slot::Draw {
        category: category.to_owned(),
        count,
        points: Some(points),
    });
    configure(app, caller, run, item, s).await.map_err(|e| {
        renamed(e, first, |_, part| match part {
            "category" => "draw_category".into(),
            "points" => "draw_points".into(),
            _ => "draw_count".into(),
        })
    })?;
    Ok(())
}

/// A row of the quiz's question list as the settings page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SlotView {
    /// The row as posted back (`q:<id>` or `draw:<count>:<category>`).
    pub slot: String,
    /// The points typed for it (empty: the question's own).
    pub points: String,
    /// `question`, `draw`, or `missing` (a question no longer in the bank, or a bad row).
    pub kind: String,
    /// The question's title, or the draw's category.
    pub title: String,
    /// The question's type (`single_choice`, …), empty for a draw.
    pub qtype: String,
    /// The question's category.
    pub category: String,
    /// The question's own points.
    pub own_points: f64,
    /// Questions drawn per attempt.
    pub count: u32,
    /// Questions the draw's category holds.
    pub available: i64,
}

/// The course whose bank a quiz of `run` draws from, once the caller may edit the run.
async fn bank_of(app: &App, caller: &Caller, run: RunId) -> Result<Uuid> {
    Ok(access_for(app, caller, run.0, Action::Update)
        .await?
        .run
        .course_id)
}

/// The rows of the question list with what the page shows of each.
pub async fn describe(
    app: &App,
    caller: &Caller,
    run: RunId,
    rows: &[super::authoring::SlotRow],
) -> Result<Vec<SlotView>> {
    let tenant = caller.tenant;
    let course = bank_of(app, caller, run).await?;
    let c = app.db.reader();
    let ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|(s, _)| s.strip_prefix("q:")?.parse().ok())
        .collect();
    let found = repo_q::by_ids(c, tenant, course, &ids).await?;
    let categories = repo_q::categories(c, tenant, course).await?;
    Ok(rows
        .iter()
        .map(|(slot, points)| {
            let mut v = SlotView {
                slot: slot.clone(),
                points: points.clone(),
                kind: "missing".into(),
                title: String::new(),
                qtype: String::new(),
                category: String::new(),
                own_points: 0.0,
                count: 0,
                available: 0,
            };
            if let Some(id) = slot.strip_prefix("q:").and_then(|i| i.parse::<Uuid>().ok()) {
                if let Some(q) = found.iter().find(|q| q.id == id).map(view_question) {
                    v.kind = "question".into();
                    v.title = q.title;
                    v.qtype = q.kind;
                    v.category = q.category;
                    v.own_points = q.points;
                }
            } else if let Some((count, category)) =
                slot.strip_prefix("draw:").and_then(|r| r.split_once(':'))
            {
                v.kind = "draw".into();
                v.count = count.parse().unwrap_or(0);
                v.title = category.to_owned();
                v.available = categories
                    .iter()
                    .find(|(c, _)| c == category)
                    .map_or(0, |(_, n)| *n);
            }
            v
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_of_new_slots_take_the_pickers_names() {
        let e = Error::Validation(vec![
            FieldError::new("slots[0]", codes::QUESTION_UNKNOWN),
            FieldError::new("slots[2].points", codes::OUT_OF_RANGE),
            FieldError::new("slots[3].category", codes::CATEGORY_UNKNOWN),
            FieldError::new("attempts", codes::OUT_OF_RANGE),
        ]);
        let Error::Validation(v) = renamed(e, 2, |i, part| format!("new{i}.{part}")) else {
            panic!("not a validation error");
        };
        let names: Vec<&str> = v.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            ["slots[0]", "new0.points", "new1.category", "attempts"]
        );
    }
}

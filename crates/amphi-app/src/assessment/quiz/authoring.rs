//! Authoring a quiz: its settings as typed (the slots as text lines), checked against the
//! course's bank, and saved with the quiz's gradebook column.

use super::settings::{Keep, QuizSettings, Reveal, Slot, MAX_QUESTIONS};
use crate::assessment::gradebook;
use crate::courses::{access, authoring};
use crate::{App, Caller};
use amphi_core::assessment::Question;
use amphi_core::codes;
use amphi_core::course::ItemKind;
use amphi_core::error::Fields;
use amphi_core::policy::Action;
use amphi_core::{Error, Result, TenantId};
use amphi_core::{ItemId, RunId};
use amphi_db::repo::{questions as repo_q, structure};
use amphi_db::{rows, Conn};
use serde::Deserialize;
use std::collections::HashSet;
use uuid::Uuid;

/// Validates quiz settings against the course's bank; returns the maximum points.
pub async fn check_settings(
    c: &impl Conn,
    tenant: TenantId,
    course: Uuid,
    s: &QuizSettings,
) -> Result<f64> {
    let mut fields = Fields::new();
    let mut max = 0.0;
    let mut count = 0u32;
    let fixed: Vec<Uuid> = s
        .slots
        .iter()
        .filter_map(|sl| match sl {
            Slot::Question { question_id, .. } => Some(*question_id),
            Slot::Draw { .. } => None,
        })
        .collect();
    let found = repo_q::by_ids(c, tenant, course, &fixed).await?;
    let mut seen = HashSet::new();
    for (i, sl) in s.slots.iter().enumerate() {
        let field = format!("slots[{i}]");
        match sl {
            Slot::Question {
                question_id,
                points,
            } => {
                let Some(q) = found.iter().find(|q| q.id == *question_id) else {
                    fields.push(&field, codes::QUESTION_UNKNOWN);
                    continue;
                };
                if !seen.insert(*question_id) {
                    fields.push(&field, codes::QUESTION_TWICE);
                }
                let own = serde_json::from_str::<Question>(&q.data)
                    .map(|q| q.points)
                    .unwrap_or(1.0);
                let p = points.unwrap_or(own);
                if !valid_points(p) {
                    fields.push(&format!("{field}.points"), codes::OUT_OF_RANGE);
                }
                max += p;
                count += 1;
            }
            Slot::Draw {
                category,
                count: n,
                points,
            } => {
                let ids = repo_q::ids_in_category(c, tenant, course, category).await?;
                if ids.is_empty() {
                    fields.push(&format!("{field}.category"), codes::CATEGORY_UNKNOWN);
                } else if *n == 0 {
                    fields.push(&format!("{field}.count"), codes::OUT_OF_RANGE);
                } else if (ids.len() as u64) < u64::from(*n) {
                    fields.push(&format!("{field}.count"), codes::NOT_ENOUGH_QUESTIONS);
                }
                match points {
                    Some(p) if !valid_points(*p) => {
                        fields.push(&format!("{field}.points"), codes::OUT_OF_RANGE)
                    }
                    Some(p) => max += p * f64::from(*n),
                    None => {
                        // Each drawn question brings its own points: the maximum is the mean
                        // of the category times the count, which varies per attempt; a
                        // gradebook needs one maximum, so draws must set their points.
                        fields.push(&format!("{field}.points"), codes::REQUIRED);
                    }
                }
                count = count.saturating_add(*n);
            }
        }
    }
    if count > MAX_QUESTIONS {
        fields.push("slots", codes::TOO_MANY);
    }
    if s.time_limit_minutes.is_some_and(|m| m == 0 || m > 24 * 60) {
        fields.push("time_limit_minutes", codes::OUT_OF_RANGE);
    }
    if s.attempts > 100 {
        fields.push("attempts", codes::OUT_OF_RANGE);
    }
    if let (Some(o), Some(c)) = (s.opens_at, s.closes_at) {
        if c <= o {
            fields.push("closes_at", codes::BEFORE_START);
        }
    }
    fields.finish()?;
    Ok(max)
}

fn valid_points(p: f64) -> bool {
    p.is_finite() && p > 0.0 && p <= amphi_core::assessment::question::MAX_POINTS
}

/// Quiz settings as typed on the settings page (a form) or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct QuizForm {
    /// Questions: one `question_id[:points]` or `draw:<count>:<points>:<category>` per line.
    pub slots: Option<String>,
    /// `on` to shuffle questions.
    pub shuffle_questions: Option<String>,
    /// `on` to shuffle answers.
    pub shuffle_answers: Option<String>,
    /// Attempts allowed (0: unlimited).
    pub attempts: Option<String>,
    /// Minutes (empty: untimed).
    pub time_limit_minutes: Option<String>,
    /// Opens at (local time of the editor).
    pub opens_at: Option<String>,
    /// Closes at.
    pub closes_at: Option<String>,
    /// `highest`, `last` or `average`.
    pub keep: Option<String>,
    /// `immediately`, `after_close` or `never`.
    pub feedback: Option<String>,
    /// `immediately`, `after_close` or `never`.
    pub answers: Option<String>,
    /// Pass mark in percent (empty: none).
    pub pass_percent: Option<String>,
}

/// The slots as the settings form shows them, one per line.
pub fn slots_text(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| match s {
            Slot::Question {
                question_id,
                points: Some(p),
            } => format!("{question_id}:{p}"),
            Slot::Question { question_id, .. } => question_id.to_string(),
            Slot::Draw {
                category,
                count,
                points,
            } => format!("draw:{count}:{}:{category}", points.unwrap_or(1.0)),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_slots(raw: &str, fields: &mut Fields) -> Vec<Slot> {
    let mut out = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let field = format!("slots[{i}]");
        if let Some(rest) = line.strip_prefix("draw:") {
            let mut parts = rest.splitn(3, ':');
            let count = parts.next().and_then(|c| c.trim().parse::<u32>().ok());
            let points = parts
                .next()
                .and_then(|p| p.trim().replace(',', ".").parse::<f64>().ok());
            let category = parts.next().map(str::trim).unwrap_or("");
            match (count, points) {
                (Some(count), Some(points)) if !category.is_empty() => out.push(Slot::Draw {
                    category: category.to_owned(),
                    count,
                    points: Some(points),
                }),
                _ => fields.push(&field, codes::SLOT_INVALID),
            }
            continue;
        }
        let (id, points) = match line.split_once(':') {
            Some((id, p)) => (id, Some(p)),
            None => (line, None),
        };
        let Ok(id) = id.trim().parse::<Uuid>() else {
            fields.push(&field, codes::SLOT_INVALID);
            continue;
        };
        let points = match points.map(|p| p.trim().replace(',', ".").parse::<f64>()) {
            Some(Ok(p)) => Some(p),
            Some(Err(_)) => {
                fields.push(&field, codes::SLOT_INVALID);
                continue;
            }
            None => None,
        };
        out.push(Slot::Question {
            question_id: id,
            points,
        });
    }
    out
}

/// One row of the quiz's question list as the settings page posts it: `q:<id>` or
/// `draw:<count>:<category>`, and the points typed for it (empty: the question's own points).
pub type SlotRow = (String, String);

/// The slots of the question list's rows, in order; a bad row is named `slots[<row>]` (its
/// points `slots[<row>].points`), the names the page shows next to that row.
pub fn slots_from_rows(rows: &[SlotRow], fields: &mut Fields) -> Vec<Slot> {
    let mut out = Vec::new();
    for (i, (slot, points)) in rows.iter().enumerate() {
        let field = format!("slots[{i}]");
        let points = match points.trim() {
            "" => None,
            p => match p.replace(',', ".").parse::<f64>() {
                Ok(p) => Some(p),
                Err(_) => {
                    fields.push(&format!("{field}.points"), codes::NUMBER_INVALID);
                    None
                }
            },
        };
        if let Some(id) = slot.strip_prefix("q:") {
            match id.trim().parse::<Uuid>() {
                Ok(question_id) => out.push(Slot::Question {
                    question_id,
                    points,
                }),
                Err(_) => fields.push(&field, codes::SLOT_INVALID),
            }
        } else if let Some(rest) = slot.strip_prefix("draw:") {
            match rest.split_once(':') {
                Some((count, category)) if !category.trim().is_empty() => {
                    match count.trim().parse::<u32>() {
                        Ok(count) => out.push(Slot::Draw {
                            category: category.trim().to_owned(),
                            count,
                            points,
                        }),
                        Err(_) => fields.push(&format!("{field}.count"), codes::NUMBER_INVALID),
                    }
                }
                _ => fields.push(&field, codes::SLOT_INVALID),
            }
        } else {
            fields.push(&field, codes::SLOT_INVALID);
        }
    }
    out
}

/// The rows of the question list for these slots (what [`slots_from_rows`] reads back).
pub fn rows_of(slots: &[Slot]) -> Vec<SlotRow> {
    slots
        .iter()
        .map(|s| match s {
            Slot::Question {
                question_id,
                points,
            } => (
                format!("q:{question_id}"),
                points.map(|p| p.to_string()).unwrap_or_default(),
            ),
            Slot::Draw {
                category,
                count,
                points,
            } => (
                format!("draw:{count}:{category}"),
                points.map(|p| p.to_string()).unwrap_or_default(),
            ),
        })
        .collect()
}

fn reveal(field: &str, raw: Option<&str>, current: Reveal, fields: &mut Fields) -> Reveal {
    match raw.map(str::trim) {
        None | Some("") => current,
        Some("immediately") => Reveal::Immediately,
        Some("after_close") => Reveal::AfterClose,
        Some("never") => Reveal::Never,
        Some(_) => {
            fields.push(field, codes::CHOICE_INVALID);
            current
        }
    }
}

/// Builds settings from the form, starting from the current ones (absent fields keep their
/// value; check boxes are read as a whole form).
pub fn settings_from_form(
    f: &QuizForm,
    current: &QuizSettings,
    tz: &str,
    fields: &mut Fields,
) -> QuizSettings {
    let mut s = current.clone();
    if let Some(raw) = &f.slots {
        s.slots = parse_slots(raw, fields);
    }
    s.shuffle_questions = matches!(f.shuffle_questions.as_deref(), Some("on" | "true"));
    s.shuffle_answers = matches!(f.shuffle_answers.as_deref(), Some("on" | "true"));
    if let Some(a) = f.attempts.as_deref().map(str::trim) {
        match a.parse::<u32>() {
            Ok(n) => s.attempts = n,
            Err(_) => fields.push("attempts", codes::NUMBER_INVALID),
        }
    }
    if let Some(t) = f.time_limit_minutes.as_deref().map(str::trim) {
        if t.is_empty() {
            s.time_limit_minutes = None;
        } else {
            match t.parse::<u32>() {
                Ok(n) => s.time_limit_minutes = Some(n),
                Err(_) => fields.push("time_limit_minutes", codes::NUMBER_INVALID),
            }
        }
    }
    if f.opens_at.is_some() {
        if let Some(d) = fields.check(authoring::parse_when("opens_at", f.opens_at.as_deref(), tz))
        {
            s.opens_at = d;
        }
    }
    if f.closes_at.is_some() {
        if let Some(d) = fields.check(authoring::parse_when(
            "closes_at",
            f.closes_at.as_deref(),
            tz,
        )) {
            s.closes_at = d;
        }
    }
    match f.keep.as_deref().map(str::trim) {
        None | Some("") => {}
        Some("highest") => s.keep = Keep::Highest,
        Some("last") => s.keep = Keep::Last,
        Some("average") => s.keep = Keep::Average,
        Some(_) => fields.push("keep", codes::CHOICE_INVALID),
    }
    s.feedback = reveal("feedback", f.feedback.as_deref(), s.feedback, fields);
    s.answers = reveal("answers", f.answers.as_deref(), s.answers, fields);
    if let Some(p) = f.pass_percent.as_deref().map(str::trim) {
        if p.is_empty() {
            s.pass_percent = None;
        } else {
            match p.replace(',', ".").parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => s.pass_percent = Some(v),
                Ok(_) => fields.push("pass_percent", codes::OUT_OF_RANGE),
                Err(_) => fields.push("pass_percent", codes::NUMBER_INVALID),
            }
        }
    }
    s
}

/// Saves a quiz's settings (course team); registers its gradebook column.
pub async fn configure(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    s: QuizSettings,
) -> Result<rows::CourseItem> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    crate::courses::writable(&a.run, app.now())?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    if it.kind()? != ItemKind::Quiz {
        return Err(Error::NotFound);
    }
    if s.pass_percent
        .is_some_and(|p| !p.is_finite() || !(0.0..=100.0).contains(&p))
    {
        return Err(Error::field("pass_percent", codes::OUT_OF_RANGE));
    }
    let max = check_settings(app.db.reader(), tenant, a.run.course_id, &s).await?;
    let mut v: serde_json::Value = serde_json::from_str(&it.settings).unwrap_or_default();
    if !v.is_object() {
        v = serde_json::json!({});
    }
    v["quiz"] = serde_json::to_value(&s).map_err(Error::internal)?;
    v["max_points"] = serde_json::json!(max);
    let now = app.now();
    let txn = app.db.begin().await?;
    let m = structure::set_item_settings(&txn, tenant, item_id, &v.to_string(), now).await?;
    amphi_db::repo::courses::touch_run(&txn, tenant, run_id, None, now).await?;
    if max > 0.0 {
        gradebook::updates::register_item(&txn, tenant, run_id, item_id, max, now).await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    Ok(m)
}

/// A quiz's title and settings, for its course team's settings page.
pub async fn for_editing(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
) -> Result<(String, QuizSettings)> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .filter(|i| matches!(i.kind(), Ok(ItemKind::Quiz)))
        .ok_or(Error::NotFound)?;
    Ok((it.title.clone(), QuizSettings::of(&it)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (field, code) pairs a form collected.
    fn errors(fields: Fields) -> Vec<(String, String)> {
        match fields.finish() {
            Ok(()) => Vec::new(),
            Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect(),
            Err(e) => panic!("{e:?}"),
        }
    }

    fn pairs<const N: usize>(p: [(&str, &str); N]) -> Vec<(String, String)> {
        p.iter()
            .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn slots_read_back_what_the_form_shows() {
        let slots = vec![
            Slot::Question {
                question_id: Uuid::now_v7(),
                points: Some(2.5),
            },
            Slot::Question {
                question_id: Uuid::now_v7(),
                points: None,
            },
            Slot::Draw {
                category: "unit 1/basics".into(),
                count: 3,
                points: Some(1.0),
            },
        ];
        let mut fields = Fields::new();
        assert_eq!(parse_slots(&slots_text(&slots), &mut fields), slots);
        assert!(errors(fields).is_empty());
    }

    #[test]
    fn a_bad_slot_line_is_named_by_its_line_and_blank_lines_are_skipped() {
        let id = Uuid::now_v7();
        let raw = format!("\n{id}:1,5\nnot an id\ndraw:2:1:\ndraw:x:1:cat\n{id}:many\n");
        let mut fields = Fields::new();
        let slots = parse_slots(&raw, &mut fields);
        assert_eq!(
            slots,
            vec![Slot::Question {
                question_id: id,
                points: Some(1.5),
            }]
        );
        assert_eq!(
            errors(fields),
            pairs([
                ("slots[2]", "slot_invalid"),
                ("slots[3]", "slot_invalid"),
                ("slots[4]", "slot_invalid"),
                ("slots[5]", "slot_invalid"),
            ])
        );
    }

    #[test]
    fn the_question_list_rows_read_back_and_name_their_bad_row() {
        let slots = vec![
            Slot::Question {
                question_id: Uuid::now_v7(),
                points: Some(2.5),
            },
            Slot::Draw {
                category: "Week 1/Basics".into(),
                count: 3,
                points: Some(1.0),
            },
        ];
        let mut fields = Fields::new();
        assert_eq!(slots_from_rows(&rows_of(&slots), &mut fields), slots);
        assert!(errors(fields).is_empty());
        let rows = vec![
            ("q:nope".to_owned(), String::new()),
            (format!("q:{}", Uuid::now_v7()), "two".to_owned()),
            ("draw:x:Week 1".to_owned(), "1".to_owned()),
        ];
        let mut fields = Fields::new();
        slots_from_rows(&rows, &mut fields);
        assert_eq!(
            errors(fields),
            pairs([
                ("slots[0]", "slot_invalid"),
                ("slots[1].points", "number_invalid"),
                ("slots[2].count", "number_invalid"),
            ])
        );
    }

    #[test]
    fn the_form_changes_what_it_names_and_keeps_the_rest() {
        let current = QuizSettings {
            attempts: 3,
            keep: Keep::Last,
            time_limit_minutes: Some(20),
            ..QuizSettings::default()
        };
        let f = QuizForm {
            attempts: Some(" 2 ".into()),
            time_limit_minutes: Some(String::new()),
            feedback: Some("never".into()),
            shuffle_questions: Some("on".into()),
            ..QuizForm::default()
        };
        let mut fields = Fields::new();
        let s = settings_from_form(&f, &current, "UTC", &mut fields);
        assert!(errors(fields).is_empty());
        assert_eq!(s.attempts, 2);
        assert_eq!(s.time_limit_minutes, None);
        assert_eq!(s.keep, Keep::Last);
        assert_eq!(s.feedback, Reveal::Never);
        assert_eq!(s.answers, Reveal::AfterClose);
        assert!(s.shuffle_questions);
        // Check boxes are read as a whole form: one the form leaves out is off.
        assert!(!s.shuffle_answers);
    }

    #[test]
    fn numbers_and_choices_that_do_not_parse_are_refused_by_field() {
        let f = QuizForm {
            attempts: Some("two".into()),
            time_limit_minutes: Some("-1".into()),
            keep: Some("best".into()),
            answers: Some("later".into()),
            ..QuizForm::default()
        };
        let mut fields = Fields::new();
        let s = settings_from_form(&f, &QuizSettings::default(), "UTC", &mut fields);
        assert_eq!(
            errors(fields),
            pairs([
                ("attempts", "number_invalid"),
                ("time_limit_minutes", "number_invalid"),
                ("keep", "choice_invalid"),
                ("answers", "choice_invalid"),
            ])
        );
        assert_eq!(
            s,
            QuizSettings {
                shuffle_answers: false,
                ..QuizSettings::default()
            }
        );
    }

    #[test]
    fn points_must_be_positive_finite_and_bounded() {
        assert!(valid_points(1.0));
        assert!(valid_points(amphi_core::assessment::question::MAX_POINTS));
        assert!(!valid_points(0.0));
        assert!(!valid_points(-1.0));
        assert!(!valid_points(f64::NAN));
        assert!(!valid_points(
            amphi_core::assessment::question::MAX_POINTS * 2.0
        ));
    }
}

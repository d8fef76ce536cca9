//! Saving and submitting an attempt's answers: as the API sends them or as the attempt form
//! posts them, checked against the attempt's own questions.

use super::access::{own_attempt, Loaded};
use super::closing::{expired, finish_parsed};
use super::stored::{parse_questions, parse_responses, AttemptQuestion};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::assessment::{score, AttemptStatus, QuestionKind, Response};
use amphi_core::error::Fields;
use amphi_core::{codes, AttemptId, Error, Result, RunId, TenantId};
use amphi_db::repo::quiz as repo;
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

/// Answers sent by the browser or the API: question id -> response.
pub type Answers = BTreeMap<Uuid, Response>;

/// Answers as they arrive: keyed by question already (the API), or the fields of the attempt
/// form, read against the attempt's own questions (see [`answers_from_form`]).
pub enum Sent<'a> {
    /// Question id -> response.
    Answers(Answers),
    /// The attempt page's form fields.
    Form(&'a [(String, String)]),
}

impl Sent<'_> {
    fn read(self, qs: &[AttemptQuestion]) -> Result<Answers> {
        match self {
            Sent::Answers(a) => Ok(a),
            Sent::Form(f) => answers_from_form(qs, f),
        }
    }
}

fn check_answers(qs: &[AttemptQuestion], answers: &Answers) -> Result<()> {
    let mut fields = Fields::new();
    for (id, r) in answers {
        let field = format!("answers.{id}");
        let Some(q) = qs.iter().find(|q| q.question.id.0 == *id) else {
            fields.push(&field, codes::QUESTION_UNKNOWN);
            continue;
        };
        if let Err(e) = score(&q.question, r) {
            let code = match e {
                Error::BadRequest(c) => c,
                _ => codes::ANSWER_INVALID,
            };
            fields.push(&field, code);
        }
    }
    fields.finish()
}

/// What a save reports.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    /// When the answers were stored.
    pub saved_at: DateTime<Utc>,
    /// Seconds left before the deadline, if timed.
    pub seconds_left: Option<i64>,
    /// Questions answered so far.
    pub answered: usize,
}

/// Whether a response answers nothing (an untouched field of the form).
pub(super) fn is_blank(r: &Response) -> bool {
    match r {
        Response::SingleChoice { chosen } => chosen.is_none(),
        Response::MultipleChoice { chosen } => chosen.is_empty(),
        Response::TrueFalse { answer } => answer.is_none(),
        Response::Numeric { value, .. } => value.is_none(),
        Response::ShortText { text } | Response::Essay { text } => text.trim().is_empty(),
        Response::Matching { pairs } => pairs.is_empty(),
        Response::Ordering { order } => order.is_empty(),
        Response::FillBlanks { blanks } => blanks.iter().all(|b| b.trim().is_empty()),
    }
}

/// One of the viewer's attempts (tenant, run, attempt), still open, with its questions, the
/// answers sent read and checked against them, and the time now. A closed attempt is refused
/// with `closed`; one past its deadline is graded with what was saved, then refused.
async fn open_with(
    app: &App,
    user: &User,
    (tenant, run_id, attempt_id): (TenantId, Uuid, Uuid),
    sent: Sent<'_>,
    closed: &'static str,
) -> Result<Opened> {
    let (l, at) = own_attempt(app, user, tenant, run_id, attempt_id).await?;
    let qs = parse_questions(&at)?;
    let answers = sent.read(&qs)?;
    let now = app.now();
    if at.status()? != AttemptStatus::Open {
        return Err(Error::Conflict(closed));
    }
    if expired(&at, now) {
        finish_parsed(app, at, qs, &l, now).await?;
        return Err(Error::Conflict(codes::ATTEMPT_EXPIRED));
    }
    check_answers(&qs, &answers)?;
    Ok(Opened {
        l,
        at,
        qs,
        answers,
        now,
    })
}

/// An open attempt as [`open_with`] reads it.
struct Opened {
    l: Loaded,
    at: rows::QuizAttempt,
    qs: Vec<AttemptQuestion>,
    answers: Answers,
    now: DateTime<Utc>,
}

/// Saves some answers of an open attempt (autosave). Refused, storing nothing, when the
/// attempt is submitted, past its deadline, or names a question it does not show or an answer
/// that does not fit its question.
pub async fn save(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    attempt_id: AttemptId,
    sent: Sent<'_>,
) -> Result<Saved> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, attempt_id) = (run_id.0, attempt_id.0);
    let a = (tenant, run_id, attempt_id);
    let Opened {
        at, answers, now, ..
    } = open_with(app, user, a, sent, codes::ATTEMPT_CLOSED).await?;
    let mut responses = parse_responses(&at);
    responses.extend(answers);
    let json = serde_json::to_string(&responses).map_err(Error::internal)?;
    store_responses(app, tenant, at.id, json, now, codes::ATTEMPT_CLOSED).await?;
    Ok(Saved {
        saved_at: now,
        seconds_left: at.deadline_at.map(|d| (d - now).num_seconds().max(0)),
        answered: responses.values().filter(|r| !is_blank(r)).count(),
    })
}

/// Submits an attempt, with last answers if any: graded at once, final. A second submit, or
/// one after the deadline, is refused (the attempt is then graded with what was saved in time).
pub async fn submit(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    attempt_id: AttemptId,
    sent: Sent<'_>,
) -> Result<Uuid> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, attempt_id) = (run_id.0, attempt_id.0);
    let a = (tenant, run_id, attempt_id);
    let closed = codes::ATTEMPT_ALREADY_SUBMITTED;
    let mut o = open_with(app, user, a, sent, closed).await?;
    if !o.answers.is_empty() {
        let mut responses = parse_responses(&o.at);
        responses.extend(o.answers);
        o.at.responses = serde_json::to_string(&responses).map_err(Error::internal)?;
    }
    if !finish_parsed(app, o.at, o.qs, &o.l, o.now).await? {
        return Err(Error::Conflict(codes::ATTEMPT_ALREADY_SUBMITTED));
    }
    Ok(attempt_id)
}

/// What a submit from the attempt page did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// The attempt is submitted and graded.
    Done,
    /// Questions are left unanswered (their numbers): the answers sent are saved, the attempt
    /// stays open until the learner confirms.
    Unanswered(Vec<usize>),
}

/// Submits from the attempt page: unless `confirmed`, an attempt with questions left
/// unanswered is not submitted; the answers sent are saved and the questions left are named,
/// for the learner to answer them or confirm.
pub async fn submit_checked(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    attempt_id: AttemptId,
    sent: Sent<'_>,
    confirmed: bool,
) -> Result<Submitted> {
    if confirmed {
        submit(app, caller, run_id, attempt_id, sent).await?;
        return Ok(Submitted::Done);
    }
    let (user, tenant) = (&caller.user, caller.tenant);
    let a = (tenant, run_id.0, attempt_id.0);
    let closed = codes::ATTEMPT_ALREADY_SUBMITTED;
    let o = open_with(app, user, a, sent, closed).await?;
    let (l, mut at, qs, now) = (o.l, o.at, o.qs, o.now);
    let mut responses = parse_responses(&at);
    responses.extend(o.answers);
    let unanswered: Vec<usize> = qs
        .iter()
        .enumerate()
        .filter(|(_, q)| responses.get(&q.question.id.0).is_none_or(is_blank))
        .map(|(i, _)| i + 1)
        .collect();
    let json = serde_json::to_string(&responses).map_err(Error::internal)?;
    if unanswered.is_empty() {
        at.responses = json;
        if !finish_parsed(app, at, qs, &l, now).await? {
            return Err(Error::Conflict(closed));
        }
        return Ok(Submitted::Done);
    }
    store_responses(app, tenant, at.id, json, now, closed).await?;
    Ok(Submitted::Unanswered(unanswered))
}

/// Writes the answers (`json`) of an open attempt; refused with `closed` when the attempt
/// closed in the meantime.
async fn store_responses(
    app: &App,
    tenant: TenantId,
    attempt: Uuid,
    json: String,
    now: DateTime<Utc>,
    closed: &'static str,
) -> Result<()> {
    let stored = app
        .write(move |app| async move {
            repo::save_responses(app.db.writer(), tenant, attempt, &json, now).await
        })
        .await?;
    if stored {
        Ok(())
    } else {
        Err(Error::Conflict(closed))
    }
}

/// Reads answers from a submitted form: fields named `q.<question id>` (single choice, true/
/// false, short text, essay, numeric value), `q.<id>.unit`, `q.<id>.<option id>` check boxes
/// (multiple choice), `q.<id>.left.<pair id>` (matching), `q.<id>.pos.<item id>` (ordering:
/// the position typed or chosen for each item), `q.<id>.blank.<n>` (fill-in-the-blanks).
/// Only questions of the attempt are read; any other field or value that does not parse is
/// refused.
pub fn answers_from_form(
    questions: &[AttemptQuestion],
    form: &[(String, String)],
) -> Result<Answers> {
    let mut out = Answers::new();
    let mut fields = Fields::new();
    let known: HashSet<Uuid> = questions.iter().map(|q| q.question.id.0).collect();
    // Reject any `q.` field naming a question the attempt does not show.
    for (k, _) in form {
        if let Some(rest) = k.strip_prefix("q.") {
            let id = rest.split('.').next().unwrap_or("");
            if !id.parse::<Uuid>().is_ok_and(|id| known.contains(&id)) {
                return Err(Error::field("answers", codes::QUESTION_UNKNOWN));
            }
        }
    }
    let present = |id: Uuid| {
        let p = format!("q.{id}");
        form.iter()
            .any(|(k, _)| k == &p || k.starts_with(&format!("{p}.")))
    };
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let opt_id = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .map(amphi_core::assessment::OptionId)
    };
    for q in questions {
        let id = q.question.id.0;
        if !present(id) {
            continue;
        }
        let base = format!("q.{id}");
        let field = format!("answers.{id}");
        let r = match &q.question.kind {
            QuestionKind::SingleChoice(_) => match get(&base).filter(|v| !v.is_empty()) {
                None => Response::SingleChoice { chosen: None },
                Some(v) => match opt_id(v) {
                    Some(o) => Response::SingleChoice { chosen: Some(o) },
                    None => {
                        fields.push(&field, codes::ANSWER_INVALID);
                        continue;
                    }
                },
            },
            QuestionKind::MultipleChoice(_) => {
                let prefix = format!("{base}.");
                let mut chosen = Vec::new();
                let mut bad = false;
                for (k, v) in form {
                    if let Some(o) = k.strip_prefix(&prefix) {
                        if v == "on" || v == "true" {
                            match opt_id(o) {
                                Some(o) => chosen.push(o),
                                None => bad = true,
                            }
                        }
                    }
                }
                if bad {
                    fields.push(&field, codes::ANSWER_INVALID);
                    continue;
                }
                Response::MultipleChoice { chosen }
            }
            QuestionKind::TrueFalse(_) => Response::TrueFalse {
                answer: match get(&base) {
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    None | Some("") => None,
                    Some(_) => {
                        fields.push(&field, codes::ANSWER_INVALID);
                        continue;
                    }
                },
            },
            QuestionKind::Numeric(_) => {
                let raw = get(&base).unwrap_or("").trim().replace(',', ".");
                let value = if raw.is_empty() {
                    None
                } else {
                    match raw.parse::<f64>() {
                        Ok(v) if v.is_finite() => Some(v),
                        _ => {
                            fields.push(&field, codes::NUMBER_INVALID);
                            continue;
                        }
                    }
                };
                Response::Numeric {
                    value,
                    unit: get(&format!("{base}.unit")).unwrap_or("").to_owned(),
                }
            }
            QuestionKind::ShortText(_) => Response::ShortText {
                text: get(&base).unwrap_or("").to_owned(),
            },
            QuestionKind::Essay(_) => Response::Essay {
                text: get(&base).unwrap_or("").to_owned(),
            },
            QuestionKind::Matching(m) => {
                let mut pairs = Vec::new();
                for p in &m.pairs {
                    if let Some(v) = get(&format!("{base}.left.{}", p.id)).filter(|v| !v.is_empty())
                    {
                        match opt_id(v) {
                            Some(r) => pairs.push(amphi_core::assessment::MatchAnswer {
                                left: p.id,
                                right: r,
                            }),
                            None => fields.push(&field, codes::ANSWER_INVALID),
                        }
                    }
                }
                Response::Matching { pairs }
            }
            QuestionKind::Ordering(o) => {
                let mut ranked: Vec<(u32, amphi_core::assessment::OptionId)> = Vec::new();
                let mut bad = false;
                for it in &o.items {
                    match get(&format!("{base}.pos.{}", it.id)).map(str::trim) {
                        None | Some("") => {}
                        Some(v) => match v.parse::<u32>() {
                            Ok(p) if p >= 1 && p as usize <= o.items.len() => {
                                ranked.push((p, it.id))
                            }
                            _ => bad = true,
                        },
                    }
                }
                ranked.sort_by_key(|(p, _)| *p);
                if bad || ranked.windows(2).any(|w| w[0].0 == w[1].0) {
                    fields.push(&field, codes::ORDER_INVALID);
                    continue;
                }
                Response::Ordering {
                    order: ranked.into_iter().map(|(_, id)| id).collect(),
                }
            }
            QuestionKind::FillBlanks(f) => Response::FillBlanks {
                blanks: (1..=f.blanks.len())
                    .map(|n| get(&format!("{base}.blank.{n}")).unwrap_or("").to_owned())
                    .collect(),
            },
        };
        out.insert(id, r);
    }
    fields.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::stored::{test_options, test_question};
    use super::*;
    use amphi_core::assessment::{
        CreditRule, MultipleChoice, OptionId, OrderCredit, OrderItem, Ordering, SingleChoice,
        TrueFalse,
    };

    fn quiz() -> Vec<AttemptQuestion> {
        vec![
            test_question(
                "One?",
                QuestionKind::SingleChoice(SingleChoice {
                    options: test_options(&[(1, "a", 1.0), (2, "b", 0.0)]),
                    shuffle: true,
                }),
            ),
            test_question(
                "Some?",
                QuestionKind::MultipleChoice(MultipleChoice {
                    options: test_options(&[(1, "a", 0.5), (2, "b", 0.0), (3, "c", 0.5)]),
                    credit_rule: CreditRule::AllOrNothing,
                    shuffle: true,
                }),
            ),
            test_question(
                "True?",
                QuestionKind::TrueFalse(TrueFalse {
                    correct: true,
                    feedback_true: String::new(),
                    feedback_false: String::new(),
                }),
            ),
            test_question(
                "Order?",
                QuestionKind::Ordering(Ordering {
                    items: vec![
                        OrderItem {
                            id: OptionId(1),
                            text: "first".into(),
                        },
                        OrderItem {
                            id: OptionId(2),
                            text: "second".into(),
                        },
                    ],
                    credit_rule: OrderCredit::AllOrNothing,
                }),
            ),
        ]
    }

    fn form(fields: &[(String, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| (k.clone(), (*v).to_owned()))
            .collect()
    }

    fn id(q: &AttemptQuestion) -> Uuid {
        q.question.id.0
    }

    #[test]
    fn the_form_reads_each_type_of_question_it_shows() {
        let qs = quiz();
        let f = form(&[
            (format!("q.{}", id(&qs[0])), "2"),
            (format!("q.{}.1", id(&qs[1])), "on"),
            (format!("q.{}.3", id(&qs[1])), "on"),
            (format!("q.{}", id(&qs[2])), "true"),
            (format!("q.{}.pos.1", id(&qs[3])), "2"),
            (format!("q.{}.pos.2", id(&qs[3])), "1"),
        ]);
        let a = answers_from_form(&qs, &f).unwrap();
        assert_eq!(
            a[&id(&qs[0])],
            Response::SingleChoice {
                chosen: Some(OptionId(2))
            }
        );
        assert_eq!(
            a[&id(&qs[1])],
            Response::MultipleChoice {
                chosen: vec![OptionId(1), OptionId(3)]
            }
        );
        assert_eq!(a[&id(&qs[2])], Response::TrueFalse { answer: Some(true) });
        assert_eq!(
            a[&id(&qs[3])],
            Response::Ordering {
                order: vec![OptionId(2), OptionId(1)]
            }
        );
    }

    #[test]
    fn a_question_the_form_leaves_out_is_not_answered() {
        let qs = quiz();
        let f = form(&[(format!("q.{}", id(&qs[2])), "false")]);
        let a = answers_from_form(&qs, &f).unwrap();
        assert_eq!(a.len(), 1);
        assert!(!is_blank(&a[&id(&qs[2])]));
    }

    #[test]
    fn fields_that_do_not_parse_or_name_another_question_are_refused() {
        let qs = quiz();
        let bad = |f: Vec<(String, String)>| match answers_from_form(&qs, &f) {
            Err(Error::Validation(v)) => v.into_iter().map(|e| e.code).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let other = Uuid::now_v7();
        assert_eq!(
            bad(form(&[(format!("q.{other}"), "1")])),
            ["question_unknown"]
        );
        assert_eq!(
            bad(form(&[(format!("q.{}", id(&qs[0])), "b")])),
            ["answer_invalid"]
        );
        assert_eq!(
            bad(form(&[
                (format!("q.{}.pos.1", id(&qs[3])), "1"),
                (format!("q.{}.pos.2", id(&qs[3])), "1"),
            ])),
            ["order_invalid"]
        );
    }

    #[test]
    fn answers_must_fit_the_attempts_own_questions() {
        let qs = quiz();
        let mut a = Answers::new();
        a.insert(Uuid::now_v7(), Response::TrueFalse { answer: Some(true) });
        match check_answers(&qs, &a) {
            Err(Error::Validation(v)) => assert_eq!(v[0].code, "question_unknown"),
            other => panic!("{other:?}"),
        }
        let mut ok = Answers::new();
        ok.insert(id(&qs[2]), Response::TrueFalse { answer: None });
        assert!(check_answers(&qs, &ok).is_ok());
    }

    #[test]
    fn an_untouched_field_answers_nothing() {
        assert!(is_blank(&Response::SingleChoice { chosen: None }));
        assert!(is_blank(&Response::Essay { text: "  ".into() }));
        assert!(is_blank(&Response::FillBlanks {
            blanks: vec![String::new(), " ".into()]
        }));
        assert!(!is_blank(&Response::ShortText { text: "x".into() }));
    }
}

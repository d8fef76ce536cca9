//! The course's question bank (quizzes draw from it): list, GIFT import and export, delete.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty};
use crate::path::Ids;
use amphi_app::Caller;
use amphi_core::codes;
use amphi_core::{CourseId, Error};
use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use minijinja::{context, Value};
use serde::Deserialize;
use uuid::Uuid;

/// Category filter and paging of the question bank; `imported` is the count the import that
/// redirected here added (the notice survives a reload, the import is not repeated).
#[derive(Deserialize, Default)]
pub struct BankQuery {
    category: Option<String>,
    after: Option<Uuid>,
    imported: Option<usize>,
}

/// A refused import shown again: the text as sent (pasted or read from the file, so it can be
/// corrected in place), the problems of its lines, and the error of the file field.
#[derive(Default)]
struct Refused {
    text: String,
    problems: Vec<Problem>,
    file_error: Option<String>,
}

/// One bad line of a refused import.
struct Problem {
    line: Option<usize>,
    msg: String,
}

/// GET /teach/courses/{id}/questions — the course's question bank.
pub async fn list(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    Query(q): Query<BankQuery>,
) -> PageResult {
    bank_page(&ctx, &su, cid, &q, None).await
}

async fn bank_page(
    ctx: &Ctx,
    su: &Caller,
    cid: CourseId,
    q: &BankQuery,
    refused: Option<Refused>,
) -> PageResult {
    let (page, cats) =
        amphi_app::assessment::bank::list(&ctx.state.app, su, cid, q.category.as_deref(), q.after)
            .await
            .or_page(ctx)?;
    let status = match refused {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let refused = refused.unwrap_or_default();
    let lines: Vec<&str> = refused.text.lines().collect();
    let problems: Vec<Value> = refused
        .problems
        .iter()
        .map(|p| {
            let excerpt = p
                .line
                .and_then(|n| lines.get(n.wrapping_sub(1)))
                .map(|l| l.trim());
            context! { line => p.line, msg => p.msg, excerpt }
        })
        .collect();
    let imported = q.imported;
    Ok(ctx.render(
        status,
        "teach/bank.html",
        context! {
            course_id => cid.to_string(),
            questions => Value::from_serialize(&page.items),
            next => page.next.map(|n| n.to_string()),
            categories => cats.into_iter().map(|(c, n)| context! { name => c, count => n }).collect::<Vec<_>>(),
            category => q.category.clone().unwrap_or_default(),
            problems,
            imported,
            text => refused.text,
            file_error => refused.file_error,
        },
    ))
}

/// POST /teach/courses/{id}/questions/import — a GIFT file or pasted text; all or nothing.
/// Imported: redirect to the bank (a reload imports nothing again). Refused: the page again,
/// with the text in the box and each bad line named.
pub async fn import(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    crate::forms::CsrfMultipart(mut mp): crate::forms::CsrfMultipart,
) -> PageResult {
    let mut pasted = String::new();
    let mut file = String::new();
    let mut file_error = None;
    loop {
        match mp.next_field().await {
            Ok(Some(f)) if matches!(f.name(), Some("file") | Some("text")) => {
                let is_file = f.name() == Some("file");
                match f.bytes().await {
                    Ok(b) if b.len() > amphi_app::assessment::bank::MAX_GIFT_BYTES => {
                        file_error = Some(codes::FILE_TOO_LARGE);
                    }
                    Ok(b) => match (String::from_utf8(b.to_vec()), is_file) {
                        (Ok(t), true) => file = t,
                        (Ok(t), false) => pasted = t,
                        (Err(_), _) => file_error = Some(codes::CSV_NOT_UTF8),
                    },
                    Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
        }
    }
    // A chosen file wins over the box; either way the box shows what was read.
    let text = if file.trim().is_empty() { pasted } else { file };
    let message = |code: &str| amphi_app::i18n::t(ctx.locale, &format!("err-{code}"));
    if let Some(code) = file_error {
        let refused = Refused {
            text,
            problems: Vec::new(),
            file_error: Some(message(code)),
        };
        return bank_page(&ctx, &su, cid, &BankQuery::default(), Some(refused)).await;
    }
    match amphi_app::assessment::bank::import_gift(&ctx.state.app, &su, cid, &text).await {
        Ok(o) => Ok(axum::response::Redirect::to(&format!(
            "/teach/courses/{cid}/questions?imported={}",
            o.imported
        ))
        .into_response()),
        Err(Error::Validation(fields)) => {
            let mut refused = Refused {
                text,
                ..Refused::default()
            };
            for f in &fields {
                let msg = message(&f.code);
                match f.field.strip_prefix("line ") {
                    Some(n) => refused.problems.push(Problem {
                        line: n.parse().ok(),
                        msg,
                    }),
                    None => refused.file_error = Some(msg),
                }
            }
            bank_page(&ctx, &su, cid, &BankQuery::default(), Some(refused)).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /teach/courses/{id}/questions.gift
pub async fn export(Authed(ctx, su): Authed, Ids(cid): Ids<CourseId>) -> PageResult {
    let x = amphi_app::assessment::bank::export_gift(&ctx.state.app, &su, cid)
        .await
        .or_page(&ctx)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"questions-{cid}.gift\""),
            ),
        ],
        x.text,
    )
        .into_response())
}

/// GET /teach/courses/{id}/questions/{question}/delete — the confirmation, or why not.
pub async fn delete_confirm(
    Authed(ctx, su): Authed,
    Ids((cid, qid)): Ids<(CourseId, Uuid)>,
) -> PageResult {
    let (q, quizzes) = amphi_app::assessment::bank::deletion(&ctx.state.app, &su, cid, qid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "teach/confirm_question_delete.html",
        context! {
            course_id => cid.to_string(), q => Value::from_serialize(&q),
            quizzes => Value::from_serialize(&quizzes),
        },
    ))
}

/// POST /teach/courses/{id}/questions/{question}/delete
pub async fn delete(
    Authed(ctx, su): Authed,
    Ids((cid, qid)): Ids<(CourseId, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    amphi_app::assessment::bank::delete(&ctx.state.app, &su, cid, qid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/teach/courses/{cid}/questions"),
        "flash-question-deleted",
    ))
}

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

/// Category filter and paging of the question bank.
#[derive(Deserialize, Default)]
pub struct BankQuery {
    category: Option<String>,
    after: Option<Uuid>,
}

/// GET /teach/courses/{id}/questions — the course's question bank.
pub async fn list(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    Query(q): Query<BankQuery>,
) -> PageResult {
    bank_page(&ctx, &su, cid, &q, StatusCode::OK, Vec::new(), None).await
}

async fn bank_page(
    ctx: &Ctx,
    su: &Caller,
    cid: CourseId,
    q: &BankQuery,
    status: StatusCode,
    problems: Vec<(String, String)>,
    imported: Option<usize>,
) -> PageResult {
    let (page, cats) =
        amphi_app::assessment::bank::list(&ctx.state.app, su, cid, q.category.as_deref(), q.after)
            .await
            .or_page(ctx)?;
    let problems: Vec<Value> = problems
        .into_iter()
        .map(|(line, msg)| context! { line, msg })
        .collect();
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
        },
    ))
}

/// POST /teach/courses/{id}/questions/import — a GIFT file or pasted text; all or nothing.
pub async fn import(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    crate::forms::CsrfMultipart(mut mp): crate::forms::CsrfMultipart,
) -> PageResult {
    let mut text = String::new();
    loop {
        match mp.next_field().await {
            Ok(Some(f)) if matches!(f.name(), Some("file") | Some("text")) => match f.bytes().await
            {
                Ok(b) if !b.is_empty() => {
                    if b.len() > amphi_app::assessment::bank::MAX_GIFT_BYTES {
                        return Err(ctx.fail(&Error::field("file", codes::FILE_TOO_LARGE)));
                    }
                    match String::from_utf8(b.to_vec()) {
                        Ok(t) if text.trim().is_empty() => text = t,
                        Ok(_) => {}
                        Err(_) => return Err(ctx.fail(&Error::field("file", codes::CSV_NOT_UTF8))),
                    }
                }
                Ok(_) => {}
                Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
        }
    }
    match amphi_app::assessment::bank::import_gift(&ctx.state.app, &su, cid, &text).await {
        Ok(o) => {
            bank_page(
                &ctx,
                &su,
                cid,
                &BankQuery::default(),
                StatusCode::CREATED,
                Vec::new(),
                Some(o.imported),
            )
            .await
        }
        Err(Error::Validation(fields)) => {
            let problems = fields
                .iter()
                .map(|f| {
                    let key = format!("err-{}", f.code);
                    let msg = if amphi_app::i18n::has(ctx.locale, &key) {
                        amphi_app::i18n::t(ctx.locale, &key)
                    } else {
                        f.code.clone()
                    };
                    (f.field.clone(), msg)
                })
                .collect();
            bank_page(
                &ctx,
                &su,
                cid,
                &BankQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
                problems,
                None,
            )
            .await
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

/// POST /teach/courses/{id}/questions/{question}/delete
pub async fn delete(
    Authed(ctx, su): Authed,
    Ids((cid, qid)): Ids<(CourseId, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    match amphi_app::assessment::bank::delete(&ctx.state.app, &su, cid, qid).await {
        Ok(()) => {
            Ok(ctx.redirect_with(&format!("/teach/courses/{cid}/questions"), "flash-deleted"))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

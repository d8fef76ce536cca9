//! Package items over HTTP: the course team's package page (versions, upload with every
//! problem of a refused zip listed), the learners' results with each attempt's interactions
//! and their CSV export, the reset of a learner's attempts, and a learner's new attempt.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{check_csrf, drain, field_chunks, multipart_error, read_text, Anchor};
use crate::forms::{CsrfForm, Empty};
use crate::path::Ids;
use amphi_app::packages::{launch, report, reset, upload};
use amphi_app::Caller;
use amphi_core::{codes, Error, ItemId, RunId, UserId};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Query, Request};
use axum::http::StatusCode;
use http_body_util::Limited;
use minijinja::{context, Value};
use serde::Deserialize;
use uuid::Uuid;

/// The package page, with `problems` of a refused upload or `errors` of the form.
async fn package_page(
    ctx: &Ctx,
    su: &Caller,
    (rid, iid): (RunId, ItemId),
    status: StatusCode,
    problems: Vec<Value>,
    errors: Value,
) -> PageResult {
    let app = &ctx.state.app;
    let versions = report::versions(app, su, rid, iid).await.or_page(ctx)?;
    let (run, course, _) = amphi_app::courses::catalog::run_summary(app, su, rid)
        .await
        .or_page(ctx)?;
    let max_mb = app.storage.max_upload_bytes().div_ceil(1024 * 1024);
    Ok(ctx.render(
        status,
        "teach/package.html",
        context! {
            run => Value::from_serialize(&run), course => Value::from_serialize(&course),
            item_id => iid.to_string(), versions => Value::from_serialize(&versions),
            problems, errors, max_mb,
        },
    ))
}

/// GET /teach/runs/{run}/items/{item}/package
pub async fn page(Authed(ctx, su): Authed, Ids(ids): Ids<(RunId, ItemId)>) -> PageResult {
    package_page(
        &ctx,
        &su,
        ids,
        StatusCode::OK,
        vec![],
        minijinja::context! {},
    )
    .await
}

/// POST /teach/runs/{run}/items/{item}/package — multipart: `csrf` first (checked before
/// anything else is read), then `file`, the zip, streamed to a temporary file and checked
/// whole. The route lifts the global body limit; this handler allows
/// `storage.max_upload_bytes` plus 64 KiB.
pub async fn upload(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    Anchor(anchor): Anchor,
    req: Request,
) -> PageResult {
    let app = &ctx.state.app;
    let limit = app.storage.max_upload_bytes().saturating_add(64 * 1024);
    let (parts, body) = req.into_parts();
    let body = Body::new(Limited::new(
        body,
        usize::try_from(limit).unwrap_or(usize::MAX),
    ));
    let Ok(mut mp) = Multipart::from_request(Request::from_parts(parts, body), &()).await else {
        return Err(ctx.fail(&Error::BadRequest(codes::FORM_EXPECTED)));
    };
    let sent = match mp.next_field().await {
        Ok(Some(mut f)) if f.name() == Some("csrf") => read_text(&mut f, 512).await.ok(),
        _ => None,
    };
    check_csrf(&ctx, anchor.as_deref(), sent.as_deref())?;
    let result = loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break Err(Error::field("file", codes::REQUIRED)),
            Err(e) => break Err(multipart_error(&e)),
        };
        if field.name() != Some("file") {
            drain(&mut field).await;
            continue;
        }
        let name = field.file_name().unwrap_or("").to_owned();
        if name.is_empty() {
            drain(&mut field).await;
            break Err(Error::field("file", codes::REQUIRED));
        }
        let r = upload::upload(app, &su, rid, iid, &name, field_chunks(&mut field)).await;
        if r.is_err() {
            drain(&mut field).await;
        }
        break r;
    };
    match result {
        Ok(upload::Uploaded::Stored(_)) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/items/{iid}/package"),
            "flash-package-uploaded",
        )),
        Ok(upload::Uploaded::Refused(p)) => {
            let problems =
                p.0.iter()
                    .map(|p| {
                        let args = p.kind.args();
                        context! {
                            file => p.file, line => p.line,
                            message => amphi_app::i18n::t_args(ctx.locale, p.kind.code(), &args),
                        }
                    })
                    .collect();
            package_page(
                &ctx,
                &su,
                (rid, iid),
                StatusCode::UNPROCESSABLE_ENTITY,
                problems,
                minijinja::context! {},
            )
            .await
        }
        Err(e @ Error::Validation(_)) => {
            let too_large = matches!(&e, Error::Validation(f) if f.iter().any(|f| f.code == codes::FILE_TOO_LARGE));
            let status = if too_large {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = ctx.field_errors(&e);
            package_page(&ctx, &su, (rid, iid), status, vec![], errors).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The cursor of the results' next page.
#[derive(Deserialize)]
pub struct After {
    after: Option<Uuid>,
}

/// GET /teach/runs/{run}/items/{item}/package/report
pub async fn results(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    Query(q): Query<After>,
) -> PageResult {
    let app = &ctx.state.app;
    let page = report::attempts(app, &su, rid, iid, q.after, 100)
        .await
        .or_page(&ctx)?;
    let (run, course, _) = amphi_app::courses::catalog::run_summary(app, &su, rid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "teach/package_report.html",
        context! {
            run => Value::from_serialize(&run), course => Value::from_serialize(&course),
            item_id => iid.to_string(), rows => Value::from_serialize(&page.items),
            next => page.next.map(|n| n.to_string()),
        },
    ))
}

/// GET /teach/runs/{run}/items/{item}/package/report.csv — every attempt, one line per
/// interaction.
pub async fn results_csv(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
) -> PageResult {
    let first = report::export_page(&ctx.state.app, &su, rid, iid, None)
        .await
        .or_page(&ctx)?;
    let app = ctx.state.app.clone();
    Ok(crate::pages::csv_download(
        format!("package-results-{iid}.csv"),
        report::CSV_HEADER,
        first,
        move |after| {
            let (app, su) = (app.clone(), su.clone());
            async move { report::export_page(&app, &su, rid, iid, Some(after)).await }
        },
    ))
}

/// GET /teach/runs/{run}/items/{item}/package/attempts/{attempt}
pub async fn attempt(
    Authed(ctx, su): Authed,
    Ids((rid, iid, aid)): Ids<(RunId, ItemId, Uuid)>,
) -> PageResult {
    let app = &ctx.state.app;
    let (row, scos) = report::attempt_detail(app, &su, rid, iid, aid)
        .await
        .or_page(&ctx)?;
    let (run, course, _) = amphi_app::courses::catalog::run_summary(app, &su, rid)
        .await
        .or_page(&ctx)?;
    let aus = amphi_app::packages::cmi5::waive::units(app, &su, rid, iid, aid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "teach/package_attempt.html",
        context! {
            run => Value::from_serialize(&run), course => Value::from_serialize(&course),
            item_id => iid.to_string(), row => Value::from_serialize(&row),
            scos => Value::from_serialize(&scos), aus => Value::from_serialize(&aus),
            attempt_id => aid.to_string(),
            reasons => Value::from_serialize(amphi_app::packages::cmi5::waive::REASONS),
        },
    ))
}

/// POST /learn/{run}/items/{item}/package/attempts — the learner's next attempt.
pub async fn new_attempt(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    launch::new_attempt(&ctx.state.app, &su, rid, iid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/learn/{rid}/items/{iid}"),
        "flash-package-attempt-started",
    ))
}

/// POST /teach/runs/{run}/items/{item}/package/learners/{user}/reset — the course team resets
/// a learner's attempts (after the confirmation in the results page).
pub async fn reset_attempts(
    Authed(ctx, su): Authed,
    Ids((rid, iid, uid)): Ids<(RunId, ItemId, UserId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    reset::attempts(&ctx.state.app, &su, rid, iid, uid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{rid}/items/{iid}/package/report"),
        "flash-package-attempts-reset",
    ))
}

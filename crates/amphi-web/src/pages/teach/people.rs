//! The people of a run: learners (list, CSV), the course team, invitations, vouchers, CSV
//! enrolment imports, announcements.

use crate::ctx::Authed;
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty};
use crate::pages::PageResultExt;
use crate::path::Ids;
use amphi_app::courses::{authoring, enrol, learners, rights};
use amphi_core::codes;
use amphi_core::{Error, RunId};
use axum::extract::Query;
use axum::http::header;
use axum::response::IntoResponse;
use minijinja::{context, Value};
use serde::Deserialize;
use uuid::Uuid;

/// GET /teach/runs/{id}/learners (htmx asks for rows only)
pub async fn learners_page(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    Query(f): Query<learners::LearnerFilters>,
) -> PageResult {
    let page = learners::list(&ctx.state.app, &su, rid, &f, 50)
        .await
        .or_page(&ctx)?;
    let o = amphi_app::courses::catalog::run_summary(&ctx.state.app, &su, rid)
        .await
        .or_page(&ctx)?;
    let v = context! {
        run => Value::from_serialize(&o.0), course => Value::from_serialize(&o.1),
        learners => Value::from_serialize(&page.items), next => page.next.map(|n| n.to_string()),
        f => context! { q => f.q, role => f.role, status => f.status, progress => f.progress },
        query => serde_urlencoded::to_string([("q", f.q.clone().unwrap_or_default()), ("role", f.role.clone().unwrap_or_default()), ("status", f.status.clone().unwrap_or_default()), ("progress", f.progress.clone().unwrap_or_default())]).unwrap_or_default(),
        can_manage => rights::may_manage_roles(&su, o.2),
    };
    Ok(ctx.page_or_part("teach/learners.html", "teach/_learner_rows.html", v))
}

/// GET /teach/runs/{id}/learners.csv — streamed a thousand rows at a time, never the whole run
/// in memory.
pub async fn learners_csv(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    Query(f): Query<learners::LearnerFilters>,
) -> PageResult {
    // Check access (and surface errors as pages) before the stream starts.
    let first = learners::export_page(&ctx.state.app, &su, rid, &f)
        .await
        .or_page(&ctx)?;
    let app = ctx.state.app.clone();
    Ok(crate::pages::csv_download(
        format!("learners-{rid}.csv"),
        learners::CSV_HEADER,
        first,
        move |after| {
            let (app, su) = (app.clone(), su.clone());
            let mut page_f = f.clone();
            page_f.after = Some(after);
            async move { learners::export_page(&app, &su, rid, &page_f).await }
        },
    ))
}

/// A person to add to the course team, and their role.
#[derive(Deserialize)]
pub struct MemberBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// POST /teach/runs/{id}/members
pub async fn member_add(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<MemberBody>,
) -> PageResult {
    match authoring::add_member(&ctx.state.app, &su, rid, &f.email, &f.role).await {
        Ok(()) => {
            Ok(ctx.redirect_with(&format!("/teach/runs/{rid}/learners"), "flash-member-added"))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// Addresses to invite, one or more a line.
#[derive(Deserialize)]
pub struct InviteBody {
    #[serde(default)]
    emails: String,
}

/// POST /teach/runs/{id}/invitations
pub async fn invite(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<InviteBody>,
) -> PageResult {
    enrol::invite(&ctx.state.app, &su, rid, &f.emails)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(&format!("/teach/runs/{rid}/learners"), "flash-invited"))
}

/// How many voucher codes to make.
#[derive(Deserialize)]
pub struct VoucherBody {
    #[serde(default)]
    count: String,
}

/// POST /teach/runs/{id}/vouchers — the codes download as CSV, once.
pub async fn vouchers(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<VoucherBody>,
) -> PageResult {
    let count = f.count.trim().parse::<usize>().unwrap_or(0);
    let codes = enrol::generate_vouchers(&ctx.state.app, &su, rid, count)
        .await
        .or_page(&ctx)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"vouchers-{rid}.csv\""),
            ),
        ],
        format!("code\n{}\n", codes.join("\n")),
    )
        .into_response())
}

/// POST /teach/runs/{run}/imports — a CSV file (email, name, role) of people to enrol.
pub async fn import_start(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    crate::forms::CsrfMultipart(mut mp): crate::forms::CsrfMultipart,
) -> PageResult {
    let mut data = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(mut f)) if f.name() == Some("file") => loop {
                match f.chunk().await {
                    Ok(Some(c)) => {
                        if data.len() + c.len() > amphi_app::courses::import::MAX_BYTES {
                            return Err(ctx.fail(&Error::field("file", codes::FILE_TOO_LARGE)));
                        }
                        data.extend_from_slice(&c);
                    }
                    Ok(None) => break,
                    Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
        }
    }
    let s = amphi_app::courses::import::start(&ctx.state.app, &su, rid, &data)
        .await
        .map_err(|e| ctx.refused(&e))?;
    Ok(
        axum::response::Redirect::to(&format!("/teach/runs/{rid}/imports/{}", s.id))
            .into_response(),
    )
}

/// GET /teach/runs/{run}/imports/{job} — the report and the progress (htmx polls the
/// progress fragment while the job runs).
pub async fn import_status(
    Authed(ctx, su): Authed,
    Ids((rid, jid)): Ids<(RunId, Uuid)>,
) -> PageResult {
    let s = amphi_app::courses::import::status(&ctx.state.app, &su, rid, jid)
        .await
        .or_page(&ctx)?;
    let running = matches!(s.status.as_str(), "queued" | "running");
    let percent = match s.total {
        Some(t) if t > 0 => s.done * 100 / t,
        _ => {
            if s.status == "done" {
                100
            } else {
                0
            }
        }
    };
    let v =
        context! { s => Value::from_serialize(&s), run_id => rid.to_string(), running, percent };
    Ok(ctx.page_or_part("teach/import.html", "teach/_import_progress.html", v))
}

/// POST /teach/runs/{run}/imports/{job}/apply — apply the valid rows of a file with errors.
pub async fn import_apply(
    Authed(ctx, su): Authed,
    Ids((rid, jid)): Ids<(RunId, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    amphi_app::courses::import::apply_valid(&ctx.state.app, &su, rid, jid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{rid}/imports/{jid}"),
        "flash-import-started",
    ))
}

/// An announcement to the run's learners.
#[derive(Deserialize)]
pub struct AnnouncementBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// POST /teach/runs/{run}/announcements
pub async fn announce(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<AnnouncementBody>,
) -> PageResult {
    amphi_app::courses::announce::post(&ctx.state.app, &su, rid, &f.title, &f.body)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(&format!("/learn/{rid}"), "flash-announced"))
}

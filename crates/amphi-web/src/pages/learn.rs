//! The catalog, course about pages, enrolment, and learning (course home, items, progress).

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty};
use crate::path::Ids;
use amphi_app::courses::{catalog, enrol, learn};
use amphi_core::course::ItemKind;
use amphi_core::{ItemId, RunId};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue};
use minijinja::{context, Value};
use serde::Deserialize;

/// GET /catalog
pub async fn catalog_page(ctx: Ctx, Query(f): Query<catalog::CatalogFilters>) -> PageResult {
    let page = catalog::catalog(&ctx.state.app, &ctx.tenant, &f)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "courses/catalog.html",
        context! {
            cards => Value::from_serialize(&page.items),
            next => page.next.map(|n| n.to_string()),
            f => context! { q => f.q, format => f.format, language => f.language, when => f.when },
        },
    ))
}

/// GET /courses/{code}
pub async fn about(ctx: Ctx, Path(code): Path<String>) -> PageResult {
    let viewer = ctx.user.as_ref().map(|u| &u.user);
    let a = catalog::about(&ctx.state.app, &ctx.tenant, &code, viewer)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "courses/about.html",
        context! { about => Value::from_serialize(&a) },
    ))
}

/// An enrolment: the code (for runs that ask one) and the page to go back to.
#[derive(Deserialize)]
pub struct EnrolBody {
    code: Option<String>,
    back: Option<String>,
}

/// POST /runs/{id}/enrol
pub async fn enrol_post(
    Authed(ctx, su): Authed,
    Ids(run): Ids<RunId>,
    CsrfForm(f): CsrfForm<EnrolBody>,
) -> PageResult {
    let code = f.code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let status = enrol::enrol(&ctx.state.app, &su, run, code)
        .await
        .or_page(&ctx)?;
    Ok(match status {
        enrol::EnrolStatus::Enrolled => {
            ctx.redirect_with(&format!("/learn/{run}"), "flash-enrolled")
        }
        enrol::EnrolStatus::Waiting => ctx.redirect_with(
            &crate::ctx::safe_next(f.back.as_deref()),
            "flash-waiting-list",
        ),
    })
}

/// POST /runs/{id}/unenrol
pub async fn unenrol_post(
    Authed(ctx, su): Authed,
    Ids(run): Ids<RunId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    enrol::unenrol(&ctx.state.app, &su, run)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with("/", "flash-unenrolled"))
}

/// `preview` shows the course home as a learner sees it.
#[derive(Deserialize, Default)]
pub struct HomeQuery {
    preview: Option<String>,
}

/// GET /learn/{run}
pub async fn home(
    Authed(ctx, su): Authed,
    Ids(run): Ids<RunId>,
    Query(q): Query<HomeQuery>,
) -> PageResult {
    let preview = q.preview.is_some();
    let h = learn::home(&ctx.state.app, &su, run, preview)
        .await
        .or_page(&ctx)?;
    let certificate = match h.role.as_deref() {
        Some("learner") if h.certificates => {
            amphi_app::certificates::mine_in_run(&ctx.state.app, &su, run)
                .await
                .unwrap_or_default()
        }
        _ => None,
    };
    Ok(ctx.page(
        "learn/home.html",
        context! { home => Value::from_serialize(&h), preview, certificate => Value::from_serialize(&certificate) },
    ))
}

/// GET /learn/{run}/items/{item}
pub async fn item(Authed(ctx, su): Authed, Ids((run, item)): Ids<(RunId, ItemId)>) -> PageResult {
    let (page, around) = learn::open_item_around(&ctx.state.app, &su, run, item)
        .await
        .or_page(&ctx)?;
    if page.entry.kind.takes_submissions() {
        return super::assignments::learner_item(
            &ctx,
            &su,
            run,
            (page, around),
            axum::http::StatusCode::OK,
            None,
            minijinja::context! {},
        )
        .await;
    }
    let origin = page.embed_origin.clone();
    let quiz = if page.entry.kind == ItemKind::Quiz {
        Some(
            amphi_app::assessment::quiz::attempts::intro(&ctx.state.app, &su, run, item)
                .await
                .or_page(&ctx)?,
        )
    } else {
        None
    };
    let mut resp = ctx.page(
        "learn/item.html",
        context! {
            item => Value::from_serialize(&page), run_id => run.to_string(),
            quiz => Value::from_serialize(&quiz), around => Value::from_serialize(&around),
        },
    );
    // The embedded player's origin is allowed on this page only.
    if let Some(o) = origin {
        let csp = format!("{}; frame-src {o}", crate::middleware::CSP);
        if let Ok(v) = HeaderValue::from_str(&csp) {
            resp.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    Ok(resp)
}

/// POST /learn/{run}/items/{item}/complete — back to the item, which now says it is complete
/// and offers what comes next.
pub async fn complete(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    learn::complete_item(&ctx.state.app, &su, run, item)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/learn/{run}/items/{item}"),
        "flash-item-completed",
    ))
}

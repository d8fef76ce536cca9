//! The catalog, course about pages, enrolment, and learning (course home, items, progress).

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::forms::CsrfForm;
use amphi_app::courses::{catalog, enrol, learn};
use amphi_core::Error;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde::Deserialize;

fn id(ctx: &Ctx, raw: &str) -> Result<uuid::Uuid, Response> {
    raw.parse().map_err(|_| ctx.error_page(&Error::NotFound))
}

/// GET /catalog
pub async fn catalog_page(ctx: Ctx, Query(f): Query<catalog::CatalogFilters>) -> Response {
    match catalog::catalog(&ctx.state.app, &ctx.tenant, &f).await {
        Ok(page) => ctx.page(
            "courses/catalog.html",
            context! {
                cards => Value::from_serialize(&page.items),
                next => page.next.map(|n| n.to_string()),
                f => context! { q => f.q, format => f.format, language => f.language, when => f.when },
            },
        ),
        Err(e) => ctx.error_page(&e),
    }
}

/// GET /courses/{code}
pub async fn about(ctx: Ctx, Path(code): Path<String>) -> Response {
    let viewer = ctx.user.as_ref().map(|u| &u.user);
    match catalog::about(&ctx.state.app, &ctx.tenant, &code, viewer).await {
        Ok(a) => ctx.page(
            "courses/about.html",
            context! { about => Value::from_serialize(&a) },
        ),
        Err(e) => ctx.error_page(&e),
    }
}

#[derive(Deserialize)]
pub struct EnrolBody {
    code: Option<String>,
    back: Option<String>,
}

/// POST /runs/{id}/enrol
pub async fn enrol_post(
    Authed(ctx, su): Authed,
    Path(run): Path<String>,
    CsrfForm(f): CsrfForm<EnrolBody>,
) -> Response {
    let run = match id(&ctx, &run) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let code = f.code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    match enrol::enrol(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        run,
        code,
        &ctx.meta,
    )
    .await
    {
        Ok(enrol::EnrolStatus::Enrolled) => {
            ctx.redirect_with(&format!("/learn/{run}"), "flash-enrolled")
        }
        Ok(enrol::EnrolStatus::Waiting) => ctx.redirect_with(
            &crate::ctx::safe_next(f.back.as_deref()),
            "flash-waiting-list",
        ),
        Err(e) => ctx.error_page(&e),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// POST /runs/{id}/unenrol
pub async fn unenrol_post(
    Authed(ctx, su): Authed,
    Path(run): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    let run = match id(&ctx, &run) {
        Ok(r) => r,
        Err(r) => return r,
    };
    match enrol::unenrol(&ctx.state.app, &su.user, ctx.tenant.id, run, &ctx.meta).await {
        Ok(()) => ctx.redirect_with("/", "flash-unenrolled"),
        Err(e) => ctx.error_page(&e),
    }
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    preview: Option<String>,
}

/// GET /learn/{run}
pub async fn home(
    Authed(ctx, su): Authed,
    Path(run): Path<String>,
    Query(q): Query<HomeQuery>,
) -> Response {
    let run = match id(&ctx, &run) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let preview = q.preview.is_some();
    match learn::home(&ctx.state.app, &su.user, ctx.tenant.id, run, preview).await {
        Ok(h) => {
            let certificate = match h.role.as_deref() {
                Some("learner") if h.certificates => amphi_app::certificates::mine_in_run(
                    &ctx.state.app,
                    &su.user,
                    ctx.tenant.id,
                    run,
                )
                .await
                .unwrap_or_default(),
                _ => None,
            };
            ctx.page(
                "learn/home.html",
                context! { home => Value::from_serialize(&h), preview, certificate => Value::from_serialize(&certificate) },
            )
        }
        Err(e) => ctx.error_page(&e),
    }
}

/// GET /learn/{run}/items/{item}
pub async fn item(Authed(ctx, su): Authed, Path((run, item)): Path<(String, String)>) -> Response {
    let (run, item) = match (id(&ctx, &run), id(&ctx, &item)) {
        (Ok(r), Ok(i)) => (r, i),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let page = match learn::open_item(&ctx.state.app, &su.user, ctx.tenant.id, run, item)
        .await
        .or_page(&ctx)
    {
        Ok(p) => p,
        Err(r) => return r,
    };
    if page.entry.kind == "assignment" || page.entry.kind == "peer" {
        return super::assignments::learner_item(
            &ctx,
            &su,
            run,
            page,
            axum::http::StatusCode::OK,
            None,
            minijinja::context! {},
        )
        .await;
    }
    let origin = page.embed_origin.clone();
    let quiz = if page.entry.kind == "quiz" {
        match amphi_app::assessment::quiz::attempts::intro(
            &ctx.state.app,
            &su.user,
            ctx.tenant.id,
            run,
            item,
        )
        .await
        .or_page(&ctx)
        {
            Ok(q) => Some(q),
            Err(r) => return r,
        }
    } else {
        None
    };
    let mut resp = ctx.page(
        "learn/item.html",
        context! {
            item => Value::from_serialize(&page), run_id => run.to_string(),
            quiz => Value::from_serialize(&quiz),
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
    resp
}

/// POST /learn/{run}/items/{item}/complete
pub async fn complete(
    Authed(ctx, su): Authed,
    Path((run, item)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    let (run, item) = match (id(&ctx, &run), id(&ctx, &item)) {
        (Ok(r), Ok(i)) => (r, i),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    match learn::complete_item(&ctx.state.app, &su.user, ctx.tenant.id, run, item).await {
        Ok(_) => {
            let next = learn::open_item(&ctx.state.app, &su.user, ctx.tenant.id, run, item)
                .await
                .ok()
                .and_then(|p| p.next);
            match next {
                Some(n) => Redirect::to(&format!("/learn/{run}/items/{n}")).into_response(),
                None => ctx.redirect_with(&format!("/learn/{run}"), "flash-item-completed"),
            }
        }
        Err(e) => ctx.error_page(&e),
    }
}

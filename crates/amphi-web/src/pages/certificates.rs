//! Certificate pages: the learner's list and downloads, the public verification page and
//! form, the course team's page per run (list, revoke, re-issue, settings) and the tenant
//! administrators' template page (colour, signatures, logo, preview).

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::{PageError, PageResult};
use crate::forms::{CsrfForm, CsrfMultipart, Empty};
use crate::path::Ids;
use amphi_app::certificates::{self as certs, TemplateForm, TemplateImage};
use amphi_app::Caller;
use amphi_core::codes;
use amphi_core::Error;
use amphi_core::RunId;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde::Deserialize;
use uuid::Uuid;

fn pdf_response(filename: &str, bytes: impl Into<axum::body::Body>) -> Response {
    let mut resp = (StatusCode::OK, bytes.into()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

// ---------------------------------------------------------------------------------------------
// Learners

/// GET /certificates — the person's own certificates.
pub async fn mine(Authed(ctx, su): Authed) -> PageResult {
    let list = certs::mine(&ctx.state.app, &su).await.or_page(&ctx)?;
    Ok(ctx.page(
        "certificates/mine.html",
        context! { certificates => Value::from_serialize(&list) },
    ))
}

/// GET /certificates/{id}/pdf — the PDF, for its owner (while issued) and the course team.
pub async fn download(Authed(ctx, su): Authed, Ids(cid): Ids<Uuid>) -> PageResult {
    let (name, bytes) = certs::pdf(&ctx.state.app, &su, cid).await.or_page(&ctx)?;
    Ok(pdf_response(&name, bytes))
}

// ---------------------------------------------------------------------------------------------
// Public verification

/// A verification code typed in the form.
#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    code: Option<String>,
}

/// GET /verify — the form; with `?code=` it goes to that code's page.
pub async fn verify_form(ctx: Ctx, Query(q): Query<VerifyQuery>) -> PageResult {
    Ok(
        match q.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => {
                let path = match certs::normalize_code(code) {
                    Some(c) => certs::display_code(&c),
                    // Still goes to the page, which says it is unknown (and counts the attempt).
                    None => crate::ctx::urlencode(code),
                };
                Redirect::to(&format!("/verify/{path}")).into_response()
            }
            None => ctx.page("certificates/verify_form.html", context! {}),
        },
    )
}

/// GET /verify/{code} — valid, revoked, or a 404 page that says nothing more.
pub async fn verify_page(ctx: Ctx, Path(code): Path<String>) -> PageResult {
    match certs::verify(&ctx.state.app, ctx.tenant.id, &code, &ctx.meta).await {
        Ok(v) => Ok(ctx.page(
            "certificates/verify.html",
            context! { v => Value::from_serialize(&v) },
        )),
        Err(Error::NotFound) => Ok(ctx.render(
            StatusCode::NOT_FOUND,
            "certificates/verify_form.html",
            context! { unknown => true },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

// ---------------------------------------------------------------------------------------------
// The course team

/// Status filter and paging of the certificates list.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    before: Option<String>,
}

/// GET /teach/runs/{run}/certificates
pub async fn run_page(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let app = &ctx.state.app;
    let before = super::cursor(q.before.as_deref()).or_page(&ctx)?;
    let (run, course, role) = amphi_app::courses::catalog::run_summary(app, &su, rid)
        .await
        .or_page(&ctx)?;
    let page = certs::list_for_run(app, &su, rid, q.status.as_deref(), before, 50)
        .await
        .or_page(&ctx)?;
    let settings = certs::run_settings(app, &su, rid).await.or_page(&ctx)?;
    let can_manage = amphi_app::courses::rights::may_edit_run(&su, role);
    Ok(ctx.page(
        "certificates/run.html",
        context! {
            run => Value::from_serialize(&run),
            course => Value::from_serialize(&course),
            certificates => Value::from_serialize(&page.items),
            next => page.next.map(|n| n.to_string()),
            status => q.status.unwrap_or_default(),
            settings => Value::from_serialize(&settings),
            can_manage,
        },
    ))
}

/// POST /teach/runs/{run}/certificates/settings
pub async fn save_settings(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<certs::RunSettingsForm>,
) -> PageResult {
    let app = &ctx.state.app;
    let result = match f.parse() {
        Ok(s) => certs::save_run_settings(app, &su, rid, &s).await,
        Err(e) => Err(e),
    };
    result.map_err(|e| ctx.refused(&e))?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{rid}/certificates"),
        "flash-certificate-settings-saved",
    ))
}

/// Why a certificate is revoked.
#[derive(Deserialize)]
pub struct RevokeBody {
    #[serde(default)]
    reason: String,
}

/// POST /teach/runs/{run}/certificates/{id}/revoke
pub async fn revoke(
    Authed(ctx, su): Authed,
    Ids((rid, cid)): Ids<(RunId, Uuid)>,
    CsrfForm(f): CsrfForm<RevokeBody>,
) -> PageResult {
    certificate_in_run(&ctx, rid, cid).await?;
    certs::revoke(&ctx.state.app, &su, cid, &f.reason)
        .await
        .map_err(|e| ctx.refused(&e))?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{rid}/certificates"),
        "flash-certificate-revoked",
    ))
}

/// POST /teach/runs/{run}/certificates/{id}/reissue
pub async fn reissue(
    Authed(ctx, su): Authed,
    Ids((rid, cid)): Ids<(RunId, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    certificate_in_run(&ctx, rid, cid).await?;
    certs::reissue(&ctx.state.app, &su, cid)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{rid}/certificates"),
        "flash-certificate-reissued",
    ))
}

/// The certificate must belong to the run of the URL (else 404, as for any other unknown id).
async fn certificate_in_run(ctx: &Ctx, rid: RunId, cid: Uuid) -> Result<(), PageError> {
    match certs::run_of(&ctx.state.app, ctx.tenant.id, cid).await {
        Ok(Some(r)) if r == rid.0 => Ok(()),
        Ok(_) => Err(ctx.fail(&Error::NotFound)),
        Err(e) => Err(ctx.fail(&e)),
    }
}

// ---------------------------------------------------------------------------------------------
// The tenant's template

fn template_page(ctx: &Ctx, t: &certs::Template, status: StatusCode, errors: Value) -> Response {
    ctx.render(
        status,
        "certificates/template.html",
        context! {
            tpl => Value::from_serialize(t),
            errors,
            max_image_kib => certs::MAX_IMAGE_BYTES / 1024,
        },
    )
}

/// The template page again with the errors of a refused change (else the error page).
async fn template_refused(ctx: &Ctx, su: &Caller, status: StatusCode, e: Error) -> PageResult {
    if !matches!(e, Error::Validation(_)) {
        return Err(ctx.fail(&e));
    }
    let t = certs::template(&ctx.state.app, su).await.or_page(ctx)?;
    Ok(template_page(ctx, &t, status, ctx.field_errors(&e)))
}

/// GET /admin/certificates
pub async fn template(Authed(ctx, su): Authed) -> PageResult {
    let t = certs::template(&ctx.state.app, &su).await.or_page(&ctx)?;
    Ok(template_page(&ctx, &t, StatusCode::OK, context! {}))
}

/// POST /admin/certificates
pub async fn save_template(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<TemplateForm>,
) -> PageResult {
    let app = &ctx.state.app;
    match certs::save_template(app, &su, &f).await {
        Ok(_) => Ok(ctx.redirect_with("/admin/certificates", "flash-certificate-template-saved")),
        Err(e) => template_refused(&ctx, &su, StatusCode::UNPROCESSABLE_ENTITY, e).await,
    }
}

/// POST /admin/certificates/images — multipart: `csrf` first, then `which` (`logo`,
/// `signature1`, `signature2`), `remove` (to clear it) or `file`.
pub async fn upload_image(
    Authed(ctx, su): Authed,
    CsrfMultipart(mut mp): CsrfMultipart,
) -> PageResult {
    let app = &ctx.state.app;
    let mut which: Option<TemplateImage> = None;
    let mut remove = false;
    let mut bytes: Option<Vec<u8>> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
        };
        match field.name().unwrap_or("") {
            "which" => {
                let v = field.text().await.unwrap_or_default();
                which = match v.as_str() {
                    "logo" => Some(TemplateImage::Logo),
                    "signature1" => Some(TemplateImage::Signature(1)),
                    "signature2" => Some(TemplateImage::Signature(2)),
                    _ => None,
                };
            }
            "remove" => remove = true,
            "file" => {
                let mut buf = Vec::new();
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) => {
                            if buf.len() + c.len() > certs::MAX_IMAGE_BYTES {
                                let e = Error::field(&image_field(which), codes::IMAGE_TOO_LARGE);
                                return template_refused(
                                    &ctx,
                                    &su,
                                    StatusCode::PAYLOAD_TOO_LARGE,
                                    e,
                                )
                                .await;
                            }
                            buf.extend_from_slice(&c);
                        }
                        Ok(None) => break,
                        Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::BODY_TOO_LARGE))),
                    }
                }
                bytes = Some(buf);
            }
            _ => {}
        }
    }
    let Some(which) = which else {
        return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED)));
    };
    let data = if remove {
        None
    } else {
        Some(bytes.unwrap_or_default())
    };
    match certs::set_template_image(app, &su, which, data).await {
        Ok(_) => Ok(ctx.redirect_with("/admin/certificates", "flash-certificate-template-saved")),
        Err(e) => template_refused(&ctx, &su, StatusCode::UNPROCESSABLE_ENTITY, e).await,
    }
}

fn image_field(which: Option<TemplateImage>) -> String {
    match which {
        Some(TemplateImage::Signature(n)) => format!("signature{n}_image"),
        _ => "logo".into(),
    }
}

/// GET /admin/certificates/preview — a sample certificate in the page's language.
pub async fn preview(Authed(ctx, su): Authed) -> PageResult {
    let pdf = certs::preview(&ctx.state.app, &su, ctx.locale)
        .await
        .or_page(&ctx)?;
    Ok(pdf_response("certificate-preview.pdf", pdf))
}

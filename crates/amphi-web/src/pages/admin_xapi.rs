//! The LRS clients' administration page (tenant administrators): the clients in a table, the
//! form that creates one (its secret shown once, on the page that follows), turning one off
//! or on, deleting one. The use cases of `amphi_app::xapi::clients` decide who may do what.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty, OnOff};
use crate::path::Ids;
use amphi_app::xapi::clients::{self, ClientForm};
use amphi_core::xapi::XapiScope;
use amphi_core::Error;
use axum::http::StatusCode;
use minijinja::{context, Value};
use uuid::Uuid;

/// The scopes offered by the form.
fn scopes() -> Vec<&'static str> {
    XapiScope::ALL.iter().map(|s| s.as_str()).collect()
}

fn list_page(ctx: &Ctx, items: &[clients::LrsClient], extra: Value) -> Value {
    context! {
        clients => Value::from_serialize(items),
        scopes => scopes(),
        endpoint => clients::endpoint(&ctx.meta.base_url),
        ..extra
    }
}

/// GET /admin/xapi
pub async fn list(Authed(ctx, su): Authed) -> PageResult {
    let items = clients::list(&ctx.state.app, &su).await.or_page(&ctx)?;
    Ok(ctx.page(
        "admin/xapi_clients.html",
        list_page(
            &ctx,
            &items,
            context! { errors => context! {}, values => context! {} },
        ),
    ))
}

/// POST /admin/xapi — creates a client and shows its secret once. The form comes as pairs:
/// one `scopes` field per ticked box.
pub async fn create(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &'static str| -> Vec<String> {
        f.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let form = ClientForm {
        name: field("name").into_iter().next().unwrap_or_default(),
        scopes: field("scopes"),
    };
    let b = form.clone();
    match clients::create(&ctx.state.app, &su, form).await {
        Ok((client, secret)) => Ok(ctx.page(
            "admin/xapi_client_created.html",
            context! { client => Value::from_serialize(&client), secret },
        )),
        Err(e @ Error::Validation(_)) => {
            let items = clients::list(&ctx.state.app, &su).await.or_page(&ctx)?;
            Ok(ctx.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/xapi_clients.html",
                list_page(
                    &ctx,
                    &items,
                    context! {
                        errors => ctx.field_errors(&e),
                        values => context! { name => b.name, scopes => b.scopes },
                    },
                ),
            ))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /admin/xapi/{id}/enabled
pub async fn set_enabled(
    Authed(ctx, su): Authed,
    Ids(id): Ids<Uuid>,
    CsrfForm(b): CsrfForm<OnOff>,
) -> PageResult {
    let enabled = b.value().map_err(|e| ctx.fail(&e))?;
    clients::set_enabled(&ctx.state.app, &su, id, enabled)
        .await
        .or_page(&ctx)?;
    let flash = if enabled {
        "flash-xapi-client-enabled"
    } else {
        "flash-xapi-client-disabled"
    };
    Ok(ctx.redirect_with("/admin/xapi", flash))
}

/// POST /admin/xapi/{id}/delete
pub async fn delete(
    Authed(ctx, su): Authed,
    Ids(id): Ids<Uuid>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    clients::delete(&ctx.state.app, &su, id)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with("/admin/xapi", "flash-xapi-client-deleted"))
}
